import { formatCents } from '../../contract/money';
import { useKioskState } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';

/**
 * The total line of a quote or transaction (issue 14 "No cash by accident"): "You pay" only when the
 * cloud said the customer pays in World App; with PAYMENT_MODE=none the total reads free, paid by
 * the operator; before the kiosk has heard the mode (payment_mode null) the neutral "Total".
 */
export function TotalRow({ totalCents, testId, className }: { totalCents: number; testId?: string; className?: string }) {
  const { t } = useI18n();
  const mode = useKioskState()?.payment_mode ?? null;
  return (
    <>
      <dt>{t(mode === 'world_app' ? 'total.you_pay' : 'total.neutral')}</dt>
      <dd data-testid={testId} className={className}>{mode === 'none' ? t('total.free') : formatCents(totalCents)}</dd>
    </>
  );
}

/** The scan screen's instruction: "then pay" only when the customer pays (issue 14). */
export function useScanBody(): string {
  const { t } = useI18n();
  return t(useKioskState()?.payment_mode === 'world_app' ? 'scan.body' : 'scan.body_no_payment');
}
