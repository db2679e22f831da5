import { formatCents, QUARTER_CENTS } from '../../contract/money';
import { useI18n } from '../i18n/i18n-context';

/**
 * The money facts of a transaction that did not pay everything (issue 15 credits, issue 16 "money
 * cases"): coins paid so far, coins still owed (and where to collect them, where the screen's own words
 * do not say it: `collectHint`), and the receipt code —
 * the only reference a customer screen shows.
 */
export function OwedDetails({ coinsPaid, coinsOwed, receiptCode, collectHint = false }: { coinsPaid: number | null; coinsOwed: number | null; receiptCode: string | null; collectHint?: boolean }) {
  const { t } = useI18n();
  const owed = coinsOwed !== null && coinsOwed > 0;
  return (
    <div className="owed-details">
      {coinsPaid !== null && <p className="paid" data-testid="coins-paid-so-far">{t('error.coins_paid', { coins: coinsPaid, value: formatCents(coinsPaid * QUARTER_CENTS) })}</p>}
      {owed && (
        <>
          <p className="owed" data-testid="coins-owed">{t('error.coins_owed', { coins: coinsOwed, value: formatCents(coinsOwed * QUARTER_CENTS) })}</p>
          {collectHint && <p className="sentence">{t('owed.collect_anywhere')}</p>}
        </>
      )}
      {receiptCode !== null && (
        <p className="receipt">
          {t('error.receipt')}: <strong data-testid="receipt-code">{receiptCode}</strong>
        </p>
      )}
    </div>
  );
}
