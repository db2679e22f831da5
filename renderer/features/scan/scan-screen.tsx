import type { FlowState } from '../../../contract/kiosk-api';
import { useI18n } from '../../i18n/i18n-context';
import { useScanBody } from '../../ui/payment-wording';
import { TxSummary } from '../../ui/tx-summary';
import { useNow } from '../../ui/use-now';
import { Countdown, StepActions } from '../../ui/countdown';
import { demoPhoneHref, secondsLeft, svgDataUrl } from './countdown';

type ScanFlow = Extract<FlowState, { screen: 'scan' }>;

/** PRODUCT.md "The customer flow" 3: one QR (World ID, then payment via return_to) with a countdown. */
export function ScanScreen({ flow, demoPhoneUrl }: { flow: ScanFlow; demoPhoneUrl: string | null }) {
  const { t } = useI18n();
  const scanBody = useScanBody();
  const now = useNow(1000);
  const left = secondsLeft(flow.expires_at, now);
  const qr = (
    <img className="qr" data-testid="qr" data-connector-uri={flow.connector_uri} src={svgDataUrl(flow.qr_svg)} alt={t('scan.qr_alt')} />
  );
  return (
    <section className="screen scan-screen" data-testid="screen-scan" aria-labelledby="scan-title">
      <div className="qr-frame">
        {demoPhoneUrl !== null ? (
          <a href={demoPhoneHref(demoPhoneUrl, flow.connector_uri)} target="_blank" rel="noopener noreferrer" data-testid="demo-phone-link">
            {qr}
          </a>
        ) : (
          qr
        )}
      </div>
      <div className="scan-side">
        <h1 id="scan-title">{t('scan.title')}</h1>
        <p>{flow.kind === 'claim' ? t('scan.body_collect') : scanBody}</p>
        <Countdown left={left} timeKey="scan.time_left" extensionsLeft={flow.extensions_left} />
        {flow.kind === 'cash_out' && <TxSummary tx={flow} />}
        {demoPhoneUrl !== null && (
          <label className="hint demo-link">
            {t('scan.demo_hint')}
            <input
              readOnly
              className="demo-link-text"
              data-testid="demo-connector-uri"
              value={flow.connector_uri}
              onFocus={(e) => e.currentTarget.select()}
            />
          </label>
        )}
        <StepActions left={left} extensionsLeft={flow.extensions_left} />
      </div>
    </section>
  );
}
