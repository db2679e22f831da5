import { useCallback, useRef } from 'react';
import type { FlowState } from '../../../contract/kiosk-api';
import { formatCents, QUARTER_CENTS } from '../../../contract/money';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';
import { CoinCupArrow } from '../../ui/art';
import { useInactivity } from '../../ui/need-more-time';
import { OwedDetails } from '../../ui/owed-details';

/** Issue 16: the done screen goes back to the welcome after this long (or at a tap), so the next person never sees this receipt. */
export const DONE_RETURN_MS = 15_000;
/** With coins still owed the customer needs time to note the receipt code. */
export const DONE_OWED_RETURN_MS = 45_000;

export function DoneScreen({ flow }: { flow: Extract<FlowState, { screen: 'done' }> }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const dismissed = useRef(false);
  const onDone = useCallback(() => {
    if (dismissed.current) return;
    dismissed.current = true;
    void api.dismiss({});
  }, [api]);
  const owed = flow.coins_owed !== null && flow.coins_owed > 0;
  const returnMs = owed ? DONE_OWED_RETURN_MS : DONE_RETURN_MS;
  const { warnSeconds } = useInactivity(returnMs, returnMs, onDone, flow.transaction_id);
  return (
    <section className="screen message-screen done-screen" data-testid="screen-done" aria-labelledby="done-title">
      <h1 id="done-title" role="status">{t('done.title')}</h1>
      <div className="done-figure">
        <p className="big-figure">
          <span data-testid="coins-paid">{flow.coins_paid}</span> <span className="of">{t('done.coins_unit', { coins: flow.coins_paid })}</span>
        </p>
        <CoinCupArrow />
      </div>
      {owed ? (
        <OwedDetails coinsPaid={null} coinsOwed={flow.coins_owed} receiptCode={flow.receipt_code} collectHint />
      ) : (
        <>
          <p className="sentence">{t('done.body', { coins: flow.coins_paid, value: formatCents(flow.coins_paid * QUARTER_CENTS) })}</p>
          <p className="receipt">
            {t('done.receipt')}: <strong data-testid="receipt-code">{flow.receipt_code}</strong>
          </p>
        </>
      )}
      <button type="button" className="primary big" data-testid="dismiss" onClick={onDone}>
        {t('done.button')}
      </button>
      <p className="hint" data-testid="done-returning">{warnSeconds === null ? '' : t('done.returning', { seconds: warnSeconds })}</p>
    </section>
  );
}
