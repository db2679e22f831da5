import { useState } from 'react';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';

/** Issue 15, collect: this World ID is owed nothing. A plain message, no coins, no error. */
export function NothingOwedScreen() {
  const { t } = useI18n();
  const api = useKioskApi();
  const [busy, setBusy] = useState(false);
  const onDone = async () => {
    setBusy(true);
    await api.dismiss({});
    setBusy(false);
  };
  return (
    <section className="screen message-screen" data-testid="screen-nothing_owed" aria-labelledby="nothing-owed-title">
      <h1 id="nothing-owed-title" role="status">{t('collect.nothing_owed.title')}</h1>
      <p className="sentence">{t('collect.nothing_owed.body')}</p>
      <button type="button" className="primary big" data-testid="dismiss" disabled={busy} onClick={() => void onDone()}>
        {t('done.button')}
      </button>
    </section>
  );
}
