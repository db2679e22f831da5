import type { FlowState } from '../../../contract/kiosk-api';
import { useI18n } from '../../i18n/i18n-context';

/** Percent of coins paid, whole number 0..100 (display only). */
export function paidPercent(paid: number, coins: number): number {
  if (coins <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((paid * 100) / coins)));
}

export function DispensingScreen({ flow }: { flow: Extract<FlowState, { screen: 'dispensing' }> }) {
  const { t } = useI18n();
  const percent = paidPercent(flow.coins_paid, flow.coins);
  return (
    <section className="screen message-screen" data-testid="screen-dispensing">
      <h1>{t('dispensing.title')}</h1>
      <p className="big-figure" aria-live="polite" aria-atomic="true">
        <span data-testid="coins-paid">{flow.coins_paid}</span> <span className="of">{t('dispensing.of', { coins: flow.coins })}</span>
      </p>
      <div className="progress" role="progressbar" aria-label={t('dispensing.progress_label')}
        aria-valuemin={0} aria-valuemax={flow.coins} aria-valuenow={flow.coins_paid}>
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </section>
  );
}
