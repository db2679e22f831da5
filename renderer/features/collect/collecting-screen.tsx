import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents, QUARTER_CENTS } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';

/** Issue 15, collect: the cloud found coins owed to this person; they come out here now. */
export function CollectingScreen({ flow }: { flow: Extract<FlowState, { screen: 'collecting' }> }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-collecting" aria-labelledby="collecting-title">
      <Spinner />
      <h1 id="collecting-title" role="status">{t('collect.found', { coins: flow.coins, value: formatCents(flow.amount_cents) })}</h1>
      {flow.coins_left_owed > 0 && (
        <p className="sentence" data-testid="coins-left-owed">
          {t('collect.left_owed', { coins: flow.coins_left_owed, value: formatCents(flow.coins_left_owed * QUARTER_CENTS) })}
        </p>
      )}
    </section>
  );
}
