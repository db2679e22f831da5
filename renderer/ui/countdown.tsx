import { formatCountdown } from '../features/scan/countdown';
import { useI18n } from '../i18n/i18n-context';

/** Issue 16: in the last HURRY_SECONDS the countdown turns urgent and says what to do ("scan now, or Cancel"). */
export const HURRY_SECONDS = 20;

/** A session's time left (scan, pay): "m:ss", then the hurry line near the end, then "expired". */
export function Countdown({ left, timeKey, cancellable = true }: { left: number | null; timeKey: 'scan.time_left' | 'waiting_payment.time_left' | 'confirming.time_left'; cancellable?: boolean }) {
  const { t } = useI18n();
  // Only where the customer can still act (scan, pay): no hurry where nothing is left to do (confirming).
  const hurry = cancellable && left !== null && left > 0 && left <= HURRY_SECONDS;
  return (
    <div className={`countdown${hurry ? ' hurry' : ''}`}>
      <p data-testid="countdown" role="timer" aria-live="polite" aria-atomic="true">
        {left === 0 ? t('scan.expired') : left === null ? '' : t(timeKey, { time: formatCountdown(left) })}
      </p>
      {hurry && <p className="hurry-line" data-testid="hurry">{t('scan.hurry')}</p>}
    </div>
  );
}
