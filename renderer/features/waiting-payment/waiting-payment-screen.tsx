import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Countdown, StepActions } from '../../ui/countdown';
import { Spinner } from '../../ui/spinner';
import { TxSummary } from '../../ui/tx-summary';
import { useNow } from '../../ui/use-now';
import { secondsLeft, svgDataUrl } from '../scan/countdown';

type WaitingFlow = Extract<FlowState, { screen: 'waiting_payment' }>;

/**
 * PRODUCT.md "The customer flow" 3 and 5: the phone should already be on the payment page via
 * return_to; where it is not, the payment page is shown as a second QR (payment_qr_svg) beside the
 * text, laid out like the scan screen so it fits 800×480; the URL itself is never printed (issue 16:
 * nobody types 120 characters). The countdown is the session's limit (PAYMENT_TIMEOUT_SEC); Cancel
 * ends the session (issue 15: no coins come out for it afterwards).
 */
export function WaitingPaymentScreen({ flow }: { flow: WaitingFlow }) {
  const { t } = useI18n();
  const left = secondsLeft(flow.expires_at, useNow(1000));
  const body = (
    <>
      <h1 id="waiting-payment-title">{t('waiting_payment.title')}</h1>
      <p className="sentence" role="status">{t('waiting_payment.body', { total: formatCents(flow.total_cents) })}</p>
      <Countdown left={left} timeKey="waiting_payment.time_left" extensionsLeft={flow.extensions_left} />
    </>
  );
  if (flow.payment_qr_svg === null) {
    return (
      <section className="screen message-screen" data-testid="screen-waiting_payment" aria-labelledby="waiting-payment-title">
        <Spinner />
        {body}
        <TxSummary tx={flow} />
        <StepActions left={left} extensionsLeft={flow.extensions_left} />
      </section>
    );
  }
  return (
    <section className="screen scan-screen pay-screen" data-testid="screen-waiting_payment" aria-labelledby="waiting-payment-title">
      <div className="qr-frame">
        <img className="qr" data-testid="payment-qr" data-payment-url={flow.payment_url ?? undefined} src={svgDataUrl(flow.payment_qr_svg)} alt={t('waiting_payment.qr_alt')} />
      </div>
      <div className="scan-side">
        {body}
        <p className="hint">{t('waiting_payment.link')}</p>
        <TxSummary tx={flow} />
        <StepActions left={left} extensionsLeft={flow.extensions_left} />
      </div>
    </section>
  );
}
