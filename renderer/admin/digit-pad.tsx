import { useI18n } from '../i18n/i18n-context';
import { pressDigit, type DigitKey, type DigitKind } from './digit-entry';

const KEYS: DigitKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'delete'];

/** On-screen digit keypad for the admin screen (no physical keyboard on a kiosk); keys are ≥48 px. */
export function DigitPad({ value, onChange, maxLength, label, testId, kind = 'count' }: {
  kind?: DigitKind;
  value: string;
  onChange: (next: string) => void;
  maxLength: number;
  label: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div className="keypad admin-pad" role="group" aria-label={label} data-testid={testId}>
      {KEYS.map((key) => (
        <button key={key} type="button" className={`key key-${key}`} data-testid={`${testId}-${key}`}
          aria-label={key === 'clear' ? t('admin.clear') : key === 'delete' ? t('admin.delete') : key}
          onClick={() => onChange(pressDigit(value, key, maxLength, kind))}>
          {key === 'clear' ? 'C' : key === 'delete' ? '⌫' : key}
        </button>
      ))}
    </div>
  );
}
