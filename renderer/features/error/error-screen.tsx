import { useState } from 'react';
import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents, QUARTER_CENTS } from '../../../contract/money';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from './error-text-es';

/** The core's message and next step (in Spanish by code, error-text-es.ts); coins owed are stated plainly when non-null. */
export function ErrorScreen({ flow }: { flow: Extract<FlowState, { screen: 'error' }> }) {
  const { t, lang } = useI18n();
  const api = useKioskApi();
  const text = errorText(lang, flow.error.code, { message: flow.error.message, next_step: flow.next_step });
  const [busy, setBusy] = useState(false);
  const onStartAgain = async () => {
    setBusy(true);
    await api.dismiss({});
    setBusy(false);
  };
  return (
    <section className="screen message-screen error-screen" data-testid="screen-error">
      <h1>{t('error.title')}</h1>
      <p className="sentence" role="alert">{text.message}</p>
      <p className="sentence next-step">{text.next_step}</p>
      {flow.coins_owed !== null && flow.coins_owed > 0 && (
        <p className="owed" data-testid="coins-owed">
          {t('error.coins_owed', { coins: flow.coins_owed, value: formatCents(flow.coins_owed * QUARTER_CENTS) })}
        </p>
      )}
      <p className="fine-print">
        {t('error.code')}: <code data-testid="error-code">{flow.error.code}</code>
        {flow.transaction_id !== null && <> · {t('error.transaction')}: <code>{flow.transaction_id}</code></>}
      </p>
      <button type="button" className="primary big" data-testid="dismiss" disabled={busy} onClick={() => void onStartAgain()}>
        {t('error.start_again')}
      </button>
    </section>
  );
}
