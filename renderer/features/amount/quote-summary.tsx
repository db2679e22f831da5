import type { AmountCheck, AmountRefusal } from '../../../contract/amount-rules';
import { formatCents, QUARTER_CENTS } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { TotalRow } from '../../ui/payment-wording';

/** The live quote (coins, fee, total) or one sentence saying why the amount is refused. */
export function QuoteSummary({ check }: { check: AmountCheck }) {
  const { t } = useI18n();
  return (
    <div className="quote" aria-live="polite" data-testid="quote">
      {check.kind === 'ok' ? (
        <dl className="quote-table">
          <dt>{t('amount.coins')}</dt>
          <dd data-testid="quote-coins">{check.quote.coins}</dd>
          <dt>{t('amount.fee')}</dt>
          <dd data-testid="quote-fee">{formatCents(check.quote.fee_cents)}</dd>
          <TotalRow totalCents={check.quote.total_cents} testId="quote-total" className="quote-total" />
        </dl>
      ) : (
        <p className={check.kind === 'none' ? 'hint' : 'refusal'} data-testid="amount-refusal">
          {refusal(check, t)}
        </p>
      )}
    </div>
  );
}

function refusal(check: Exclude<AmountCheck, { kind: 'ok' }>, t: ReturnType<typeof useI18n>['t']): string {
  return check.kind === 'none' ? t('amount.pick') : refusalSentence(check, t);
}

/** One sentence saying why an amount (typed or a preset) cannot be cashed out. */
export function refusalSentence(check: AmountRefusal, t: ReturnType<typeof useI18n>['t']): string {
  switch (check.kind) {
    case 'not_whole_dollars':
      return t('amount.not_whole_dollars');
    case 'below_min':
      return t('amount.below_min', { min: formatCents(check.min_cents) });
    case 'above_max':
      return t('amount.above_max', { max: formatCents(check.max_cents) });
    case 'not_enough_coins':
      return t('amount.not_enough_coins', { coins: check.free_coins, value: formatCents(check.free_coins * QUARTER_CENTS) });
  }
}
