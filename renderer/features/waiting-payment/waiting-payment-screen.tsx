import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';
import { TxSummary } from '../../ui/tx-summary';
import { svgDataUrl } from '../scan/countdown';

/**
 * PRODUCT.md "The customer flow" 3 and 5: the phone should already be on the payment page via
 * return_to; where it is not, the payment link is shown as a second QR (payment_qr_svg) and as text.
 */
export function WaitingPaymentScreen({ flow }: { flow: Extract<FlowState, { screen: 'waiting_payment' }> }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-waiting_payment">
      <Spinner />
      <h1>{t('waiting_payment.title')}</h1>
      <p className="sentence" role="status">{t('waiting_payment.body', { total: formatCents(flow.total_cents) })}</p>
      {flow.payment_qr_svg !== null && (
        <img className="qr qr-second" data-testid="payment-qr" src={svgDataUrl(flow.payment_qr_svg)} alt={t('waiting_payment.qr_alt')} />
      )}
      {flow.payment_qr_svg !== null && flow.payment_url !== null && (
        <p className="payment-link">
          {t('waiting_payment.link')} <span className="url" data-testid="payment-url">{flow.payment_url}</span>
        </p>
      )}
      <TxSummary tx={flow} />
    </section>
  );
}
