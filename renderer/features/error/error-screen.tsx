import { useState } from 'react';
import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents, QUARTER_CENTS } from '../../../contract/money';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';
import { OwedNote } from '../../ui/owed-note';
import { errorText } from './error-text-es';

/**
 * The core's message and next step (in Spanish by code, error-text-es.ts); issue 15: the coins paid so far
 * (payout errors, in doubt), the coins still owed and where to collect them, and the receipt code.
 */
export function ErrorScreen({ flow }: { flow: Extract<FlowState, { screen: 'error' }> }) {
  const { t, lang } = useI18n();
  const api = useKioskApi();
  const text = errorText(lang, flow.error.code, { message: flow.error.message, next_step: flow.next_step });
  const [busy, setBusy] = useState(false);
  const onStartAgain = async () => {
    setBusy(true);
    await api.dismiss({});
    setBusy(false);
  };
  return (
    <section className="screen message-screen error-screen" data-testid="screen-error">
      <h1>{t('error.title')}</h1>
      <p className="sentence" role="alert">{text.message}</p>
      <p className="sentence next-step">{text.next_step}</p>
      {flow.coins_paid !== null && (
        <p className="sentence" data-testid="coins-paid-so-far">
          {t('error.coins_paid', { coins: flow.coins_paid, value: formatCents(flow.coins_paid * QUARTER_CENTS) })}
        </p>
      )}
      <OwedNote coinsOwed={flow.coins_owed} />
      {flow.receipt_code !== null && (
        <p className="receipt">
          {t('done.receipt')}: <strong data-testid="receipt-code">{flow.receipt_code}</strong>
        </p>
      )}
      <p className="fine-print">
        {t('error.code')}: <code data-testid="error-code">{flow.error.code}</code>
        {flow.transaction_id !== null && <> · {t('error.transaction')}: <code>{flow.transaction_id}</code></>}
      </p>
      <button type="button" className="primary big" data-testid="dismiss" disabled={busy} onClick={() => void onStartAgain()}>
        {t('error.start_again')}
      </button>
    </section>
  );
}
