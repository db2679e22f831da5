import { useState } from 'react';
import { useKioskApi } from '../api/kiosk-context';
import { formatCountdown } from '../features/scan/countdown';
import { useI18n } from '../i18n/i18n-context';
import { CancelButton } from './cancel-button';

/** Issue 16: in the last HURRY_SECONDS the countdown turns urgent and says what to do ("scan now, or Cancel"). */
export const HURRY_SECONDS = 20;

/**
 * Issue 16 "Need more time?": offered in the hurry window of a step the core can still extend
 * (KioskState `extensions_left`, main/kiosk/step-deadline.ts). Gone once the new deadline arrives (the
 * countdown is back above the window) or no tap is left.
 */
export function moreTimeOffered(left: number | null, extensionsLeft: number): boolean {
  return left !== null && left > 0 && left <= HURRY_SECONDS && extensionsLeft > 0;
}

/**
 * A session's time left (scan, pay): "m:ss", then near the end the hurry line — or, where more time can
 * be had, the question "Need more time?" that the StepActions button answers — then "expired".
 */
export function Countdown({ left, timeKey, cancellable = true, extensionsLeft = 0 }: {
  left: number | null;
  timeKey: 'scan.time_left' | 'waiting_payment.time_left' | 'confirming.time_left';
  cancellable?: boolean;
  extensionsLeft?: number;
}) {
  const { t } = useI18n();
  // Only where the customer can still act (scan, pay): no hurry where nothing is left to do (confirming).
  const hurry = cancellable && left !== null && left > 0 && left <= HURRY_SECONDS;
  const offer = cancellable && moreTimeOffered(left, extensionsLeft);
  return (
    <div className={`countdown${hurry ? ' hurry' : ''}`}>
      <p data-testid="countdown" role="timer" aria-live="polite" aria-atomic="true">
        {left === 0 ? t('scan.expired') : left === null ? '' : t(timeKey, { time: formatCountdown(left) })}
      </p>
      {offer ? (
        <p className="hurry-line" id="more-time-question" data-testid="need-more-time" role="status">{t('more_time.title')}</p>
      ) : (
        hurry && <p className="hurry-line" data-testid="hurry">{t('scan.hurry')}</p>
      )}
    </div>
  );
}

/**
 * The actions of a step with a countdown: the big "More time" (KioskApi `extendSession`) while it is
 * offered, beside Cancel, which always stays. One row, so the prompt fits the 800x480 panel.
 */
export function StepActions({ left, extensionsLeft }: { left: number | null; extensionsLeft: number }) {
  return (
    <div className="step-actions">
      {moreTimeOffered(left, extensionsLeft) && <MoreTimeButton />}
      <CancelButton />
    </div>
  );
}

function MoreTimeButton() {
  const { t } = useI18n();
  const api = useKioskApi();
  const [asking, setAsking] = useState(false);
  const onMore = async () => {
    setAsking(true);
    // The answer needs no handling here: the new deadline (or the end of the step) comes in KioskState.
    await api.extendSession({});
    setAsking(false);
  };
  return (
    <button type="button" className="primary big" data-testid="more-time" aria-describedby="more-time-question" disabled={asking} onClick={() => void onMore()}>
      {t('more_time.add')}
    </button>
  );
}
