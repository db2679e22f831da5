import { formatCents } from '../../contract/money';
import { useI18n } from '../i18n/i18n-context';

/** Amount, quarters and total of the transaction in progress. */
export function TxSummary({ tx }: { tx: { amount_cents: number; coins: number; total_cents: number } }) {
  const { t } = useI18n();
  return (
    <dl className="tx-summary" data-testid="tx-summary">
      <dt>{t('summary.amount')}</dt>
      <dd>{formatCents(tx.amount_cents)}</dd>
      <dt>{t('summary.coins')}</dt>
      <dd>{tx.coins}</dd>
      <dt>{t('summary.total')}</dt>
      <dd>{formatCents(tx.total_cents)}</dd>
    </dl>
  );
}
