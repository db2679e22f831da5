import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';
import { TxSummary } from '../../ui/tx-summary';
import { useNow } from '../../ui/use-now';
import { formatCountdown, secondsLeft } from '../scan/countdown';

/**
 * Issue 15: the payment was sent in World App and is still being confirmed. No Cancel (the money is on
 * its way); the countdown is the longer PAYMENT_CONFIRM_TIMEOUT_SEC limit.
 */
export function ConfirmingPaymentScreen({ flow }: { flow: Extract<FlowState, { screen: 'confirming_payment' }> }) {
  const { t } = useI18n();
  const left = secondsLeft(flow.expires_at, useNow(1000));
  return (
    <section className="screen message-screen" data-testid="screen-confirming_payment" aria-labelledby="confirming-title">
      <Spinner />
      <h1 id="confirming-title" role="status">{t('confirming.title')}</h1>
      <p className="sentence">{t('confirming.body', { total: formatCents(flow.total_cents) })}</p>
      <p className="countdown" data-testid="countdown" role="timer" aria-live="polite" aria-atomic="true">
        {left === null ? '' : t('confirming.time_left', { time: formatCountdown(left) })}
      </p>
      <TxSummary tx={flow} />
    </section>
  );
}
