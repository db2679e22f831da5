import { useState } from 'react';
import { errorKindOf, isMoneyKind } from '../../../contract/error-kinds';
import type { FlowState } from '../../../contract/kiosk-api';
import { dayWindow } from '../../../contract/operator-day';
import { useKioskApi, useKioskState } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';
import { OwedDetails } from '../../ui/owed-details';
import { SupportLine } from '../../ui/support-line';
import { useNow } from '../../ui/use-now';
import { errorKeys } from './error-words';

/**
 * Errors by kind (issue 16): a neutral headline and the next step, worded here in the customer's
 * language from the code's kind (contract/error-kinds.ts). The code is kept on the section for tests
 * and support (data-error-code), never shown; the only reference shown is the receipt code, on the
 * money cases, with the coins owed and the operator's support contact.
 */
export function ErrorScreen({ flow }: { flow: Extract<FlowState, { screen: 'error' }> }) {
  const { t, lang } = useI18n();
  const api = useKioskApi();
  const now = useNow(60_000);
  const kind = errorKindOf(flow.error.code, { coinsPaid: flow.coins_paid, coinsOwed: flow.coins_owed });
  const keys = errorKeys(kind);
  // Money moved or may have: the coins, the receipt code and whom to call. Any error that left coins owed counts.
  const money = isMoneyKind(kind) || (flow.coins_owed ?? 0) > 0;
  // A daily limit resets at the end of the operator's day, in the zone the cloud counts it in (one rule:
  // contract/operator-day.ts), shown in that zone with its name; UTC (the cloud's default) before first contact.
  const zone = useKioskState()?.day_time_zone ?? 'UTC';
  const resetsAt = new Intl.DateTimeFormat(lang, { timeZone: zone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(dayWindow(new Date(now), zone).end);
  const [busy, setBusy] = useState(false);
  const onStartAgain = async () => {
    setBusy(true);
    await api.dismiss({});
    setBusy(false);
  };
  return (
    <section className={`screen message-screen error-screen${money ? ' money' : ''}`} data-testid="screen-error"
      data-error-code={flow.error.code} data-kind={kind} aria-labelledby="error-title">
      <h1 id="error-title">{t(keys.title)}</h1>
      <p className="sentence" role="alert">{t(keys.body, { time: resetsAt })}</p>
      {money && <OwedDetails coinsPaid={flow.coins_paid} coinsOwed={flow.coins_owed} receiptCode={flow.receipt_code} collectHint={!isMoneyKind(kind)} />}
      {money && <SupportLine />}
      <button type="button" className="primary big" data-testid="dismiss" disabled={busy} onClick={() => void onStartAgain()}>
        {t('error.start_again')}
      </button>
    </section>
  );
}
