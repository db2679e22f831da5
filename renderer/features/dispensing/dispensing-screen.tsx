import type { FlowState } from '../../../contract/kiosk-api';
import { useI18n } from '../../i18n/i18n-context';
import { CoinCupArrow } from '../../ui/art';

/** Percent of coins paid, 0..100 with two decimals (display only): the bar is in step with the count. */
export function paidPercent(paid: number, coins: number): number {
  if (coins <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round((paid * 10_000) / coins) / 100));
}

/**
 * Coins are moving (issue 16): the count, a bar drawn at exactly that count (no easing that lags it),
 * and an arrow to the coin cup below the screen. No Cancel: the coins are on their way.
 */
export function DispensingScreen({ flow }: { flow: Extract<FlowState, { screen: 'dispensing' }> }) {
  const { t } = useI18n();
  const percent = paidPercent(flow.coins_paid, flow.coins);
  return (
    <section className="screen message-screen dispensing-screen" data-testid="screen-dispensing" aria-labelledby="dispensing-title">
      <h1 id="dispensing-title">{t('dispensing.title')}</h1>
      <p className="big-figure" aria-live="polite" aria-atomic="true">
        <span data-testid="coins-paid">{flow.coins_paid}</span> <span className="of">{t('dispensing.of', { coins: flow.coins })}</span>
      </p>
      <div className="progress" role="progressbar" aria-label={t('dispensing.progress_label')}
        aria-valuemin={0} aria-valuemax={flow.coins} aria-valuenow={flow.coins_paid}>
        <div className="progress-fill" data-testid="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="cup-pointer">
        <p className="sentence">{t('dispensing.cup')}</p>
        <CoinCupArrow />
      </div>
    </section>
  );
}
