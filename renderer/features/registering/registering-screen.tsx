import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';

export function RegisteringScreen({ amountCents }: { amountCents: number }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-registering">
      <Spinner />
      <h1 role="status">{t('registering.body')}</h1>
      <p className="big-figure">{formatCents(amountCents)}</p>
    </section>
  );
}
