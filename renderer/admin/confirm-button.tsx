import { useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';

/** Issue 16: how long the "tap again to confirm" state of a destructive admin action lasts. */
export const CONFIRM_WINDOW_MS = 5_000;

/**
 * A destructive admin action (emptied by hand, reset hopper, restart) asks to confirm: the first tap
 * turns the button into "Tap again to confirm", the second within CONFIRM_WINDOW_MS runs it.
 */
export function ConfirmButton({ testId, onConfirm, children }: { testId: string; onConfirm: () => void; children: ReactNode }) {
  const { t } = useI18n();
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), CONFIRM_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [armed]);
  const onClick = () => {
    if (!armed) return setArmed(true);
    setArmed(false);
    onConfirm();
  };
  return (
    <button type="button" className={armed ? 'danger' : 'secondary'} data-testid={testId} data-armed={armed} onClick={onClick}>
      {armed ? t('admin.confirm_again') : children}
    </button>
  );
}
