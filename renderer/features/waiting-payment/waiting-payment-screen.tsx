import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';
import { TxSummary } from '../../ui/tx-summary';

/**
 * PRODUCT.md "The customer flow" 3 and 5: the phone should already be on the payment page via
 * return_to; where it is not, the payment link is shown (as a second QR once the core makes its SVG).
 */
export function WaitingPaymentScreen({ flow }: { flow: Extract<FlowState, { screen: 'waiting_payment' }> }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-waiting_payment">
      <Spinner />
      <h1>{t('waiting_payment.title')}</h1>
      <p className="sentence" role="status">{t('waiting_payment.body', { total: formatCents(flow.total_cents) })}</p>
      {flow.payment_url !== null && (
        <p className="payment-link">
          {t('waiting_payment.link')} <span className="url" data-testid="payment-url">{flow.payment_url}</span>
        </p>
      )}
      <TxSummary tx={flow} />
    </section>
  );
}
