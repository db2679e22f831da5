import { useState } from 'react';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';

/**
 * Issue 15: "Collect coins you are owed" on the first screen starts a claim (startCollect): the customer
 * scans with World App and the coins owed to them come out here, with no payment step.
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
    if (!reply.ok) setFailed(t('amount.call_failed', { message: reply.error.message }));
  };
  return (
    <>
      <button type="button" className="secondary" data-testid="collect" disabled={busy} onClick={() => void onCollect()}>
        {t('collect.button')}
      </button>
      {failed && <p className="refusal" role="alert" data-testid="collect-error">{failed}</p>}
    </>
  );
}
