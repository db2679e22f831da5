import { formatCents } from '../../contract/money';
import { useI18n } from '../i18n/i18n-context';
import { TotalRow } from './payment-wording';

/** Amount, quarters and total of the transaction in progress. */
export function TxSummary({ tx }: { tx: { amount_cents: number; coins: number; total_cents: number } }) {
  const { t } = useI18n();
  return (
    <dl className="tx-summary" data-testid="tx-summary">
      <dt>{t('summary.amount')}</dt>
      <dd>{formatCents(tx.amount_cents)}</dd>
      <dt>{t('summary.coins')}</dt>
      <dd>{tx.coins}</dd>
      <TotalRow totalCents={tx.total_cents} />
    </dl>
  );
}
