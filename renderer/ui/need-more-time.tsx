import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { useNow } from './use-now';

/**
 * A screen that starts over after `limitMs` without a touch, and asks "Need more time?" for the last
 * `warnMs` (issue 16). `activity` is any value that changes when the customer does something.
 */
export function useInactivity(limitMs: number, warnMs: number, onTimeout: () => void, activity: unknown): { warnSeconds: number | null; extend(): void } {
  const [last, setLast] = useState(() => Date.now());
  const now = useNow(500);
  const extend = useCallback(() => setLast(Date.now()), []);
  useEffect(() => extend(), [activity, extend]);
  const left = limitMs - (now - last);
  useEffect(() => {
    if (left <= 0) onTimeout();
  }, [left, onTimeout]);
  const seconds = Math.ceil(left / 1000);
  return { warnSeconds: left > 0 && seconds <= Math.ceil(warnMs / 1000) ? seconds : null, extend };
}

/** The "Need more time?" prompt over the screen, with one big button that restarts the clock. */
export function NeedMoreTime({ seconds, onMore }: { seconds: number; onMore: () => void }) {
  const { t } = useI18n();
  return (
    <div className="overlay" data-testid="need-more-time">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="more-time-title" aria-describedby="more-time-body">
        <h2 id="more-time-title">{t('more_time.title')}</h2>
        <p id="more-time-body" className="sentence">{t('more_time.body', { seconds })}</p>
        <button type="button" className="primary big" data-testid="more-time" autoFocus onClick={onMore}>
          {t('more_time.yes')}
        </button>
      </div>
    </div>
  );
}
