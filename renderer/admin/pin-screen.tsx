import { useEffect, useState } from 'react';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import { DigitPad } from './digit-pad';

const PIN_MAX = 8;
/** An abandoned PIN screen goes back to the customer screen after this long (PRODUCT.md idle rule). */
export const PIN_IDLE_MS = 60_000;

/**
 * The technician PIN on an on-screen keypad. The core checks it (scrypt hash, lockout after 5 wrong
 * tries); its error message says how many tries are left or when to retry, and is shown as sent.
 * On success the core sets `admin_open` and the admin screen replaces this one.
 */
export function PinScreen({ onBack }: { onBack: () => void }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(onBack, PIN_IDLE_MS);
    return () => clearTimeout(timer);
  }, [pin, error, onBack]);
  const onUnlock = async () => {
    setBusy(true);
    const reply = await api.adminUnlock({ pin });
    setBusy(false);
    setPin('');
    if (!reply.ok) setError(reply.error.message);
  };
  return (
    <section className="screen pin-screen" data-testid="screen-admin-pin" aria-labelledby="pin-title">
      <div className="pin-side">
        <h1 id="pin-title">{t('admin.pin_title')}</h1>
        <p>{t('admin.pin_body')}</p>
        <p className="pin-dots" data-testid="pin-dots" aria-live="polite">
          <span aria-hidden="true">{pin.length === 0 ? '—' : '•'.repeat(pin.length)}</span>
          <span className="visually-hidden">{t('admin.pin_entered', { count: pin.length })}</span>
        </p>
        {error !== null && <p className="refusal" role="alert" data-testid="pin-error">{error}</p>}
        <div className="button-row">
          <button type="button" className="secondary" data-testid="pin-back" onClick={onBack}>{t('admin.back')}</button>
          <button type="button" className="primary" data-testid="pin-unlock" disabled={busy || pin.length < 4} onClick={() => void onUnlock()}>
            {t('admin.unlock')}
          </button>
        </div>
      </div>
      <DigitPad kind="pin" value={pin} onChange={(v) => { setError(null); setPin(v); }} maxLength={PIN_MAX} label={t('admin.pin_pad')} testId="pin-pad" />
    </section>
  );
}
