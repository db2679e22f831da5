import { formatCents } from '../../../contract/money';
import type { TransactionKind } from '../../../contract/transaction';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';

/** Issue 15: a claim has no amount yet (the cloud finds what is owed after the scan). */
export function RegisteringScreen({ amountCents, kind }: { amountCents: number; kind: TransactionKind }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-registering">
      <Spinner />
      <h1 role="status">{t(kind === 'claim' ? 'registering.collect' : 'registering.body')}</h1>
      {kind === 'cash_out' && <p className="big-figure">{formatCents(amountCents)}</p>}
    </section>
  );
}
