import { useI18n } from '../../i18n/i18n-context';
import type { KeypadKey } from './amount-logic';

const KEYS: KeypadKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'delete'];

/** Whole-dollar keypad; every key is a ≥72 px touch target (issue 16) with a spoken label. */
export function Keypad({ onKey, inert = false }: { onKey: (key: KeypadKey) => void; inert?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="keypad" role="group" inert={inert} aria-label={t('amount.keypad')}>
      {KEYS.map((key) => (
        <button
          key={key}
          type="button"
          className={`key key-${key}`}
          data-testid={`key-${key}`}
          aria-label={key === 'clear' ? t('amount.clear') : key === 'delete' ? t('amount.delete') : key}
          onClick={() => onKey(key)}
        >
          {key === 'clear' ? 'C' : key === 'delete' ? '⌫' : key}
        </button>
      ))}
    </div>
  );
}
