import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Countdown } from '../../ui/countdown';
import { Spinner } from '../../ui/spinner';
import { TxSummary } from '../../ui/tx-summary';
import { useNow } from '../../ui/use-now';
import { secondsLeft } from '../scan/countdown';

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
      <Countdown left={left} timeKey="confirming.time_left" cancellable={false} />
      <TxSummary tx={flow} />
    </section>
  );
}
