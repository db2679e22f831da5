import { formatCents, QUARTER_CENTS } from '../../contract/money';
import { useI18n } from '../i18n/i18n-context';

/**
 * Issue 15: what the customer is still owed, in coins and dollars, and where to collect it (any RoluATM,
 * scanning with World App). Nothing when nothing is owed. The receipt code is shown beside it by the screen.
 */
export function OwedNote({ coinsOwed }: { coinsOwed: number | null }) {
  const { t } = useI18n();
  if (coinsOwed === null || coinsOwed <= 0) return null;
  return (
    <p className="owed" data-testid="coins-owed">
      {t('error.coins_owed', { coins: coinsOwed, value: formatCents(coinsOwed * QUARTER_CENTS) })}
    </p>
  );
}
