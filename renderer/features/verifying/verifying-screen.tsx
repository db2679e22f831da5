import type { FlowState } from '../../../contract/kiosk-api';
import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';
import { TxSummary } from '../../ui/tx-summary';

export function VerifyingScreen({ flow }: { flow: Extract<FlowState, { screen: 'verifying' }> }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-verifying">
      <Spinner />
      <h1 role="status">{t('verifying.body')}</h1>
      {flow.kind === 'cash_out' && <TxSummary tx={flow} />}
    </section>
  );
}
