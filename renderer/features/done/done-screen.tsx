import { useState } from 'react';
import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents, QUARTER_CENTS } from '../../../contract/money';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';
import { OwedNote } from '../../ui/owed-note';

export function DoneScreen({ flow }: { flow: Extract<FlowState, { screen: 'done' }> }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [busy, setBusy] = useState(false);
  const onDone = async () => {
    setBusy(true);
    await api.dismiss({});
    setBusy(false);
  };
  return (
    <section className="screen message-screen" data-testid="screen-done">
      <h1 role="status">{t('done.title')}</h1>
      <p className="big-figure">
        <span data-testid="coins-paid">{flow.coins_paid}</span> <span className="of">{t('done.coins_unit')}</span>
      </p>
      <p className="sentence">{t('done.body', { coins: flow.coins_paid, value: formatCents(flow.coins_paid * QUARTER_CENTS) })}</p>
      <OwedNote coinsOwed={flow.coins_owed} />
      <p className="receipt">
        {t('done.receipt')}: <strong data-testid="receipt-code">{flow.receipt_code}</strong>
      </p>
      <button type="button" className="primary big" data-testid="dismiss" disabled={busy} onClick={() => void onDone()}>
        {t('done.button')}
      </button>
    </section>
  );
}
