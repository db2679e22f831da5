import { useState } from 'react';
import { useKioskApi } from '../../api/kiosk-context';
import { errorKindOf } from '../../../contract/error-kinds';
import { useI18n } from '../../i18n/i18n-context';
import { errorKeys } from '../error/error-words';

/**
 * Issue 15: "Collect coins you are owed" on the welcome screen starts a claim (startCollect): the customer
 * scans with World App and the coins owed to them come out here, with no payment step. A refusal is
 * worded by its kind (issue 16), never as the core's code or English text.
 */
export function CollectButton() {
  const { t } = useI18n();
  const api = useKioskApi();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const onCollect = async () => {
    setBusy(true);
    setFailed(null);
    const reply = await api.startCollect({});
    setBusy(false);
    if (!reply.ok) {
      const keys = errorKeys(errorKindOf(reply.error.code));
      setFailed(`${t(keys.title)}. ${t(keys.body)}`);
    }
  };
  return (
    <>
      <button type="button" className="secondary big" data-testid="collect" disabled={busy} onClick={() => void onCollect()}>
        {t('collect.button')}
      </button>
      {failed && <p className="refusal" role="alert" data-testid="collect-error">{failed}</p>}
    </>
  );
}
