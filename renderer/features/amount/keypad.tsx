import { useI18n } from '../../i18n/i18n-context';
import type { KeypadKey } from './amount-logic';

const KEYS: KeypadKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'delete'];

/** Whole-dollar keypad; every key is a ≥48 px touch target with a spoken label. */
export function Keypad({ onKey }: { onKey: (key: KeypadKey) => void }) {
  const { t } = useI18n();
  return (
    <div className="keypad" role="group" aria-label={t('amount.keypad')}>
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
