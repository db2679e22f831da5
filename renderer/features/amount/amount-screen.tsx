import { useState } from 'react';
import { checkAmount, largestPayable, type AmountRefusal } from '../../../contract/amount-rules';
import { errorKindOf } from '../../../contract/error-kinds';
import type { KioskState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useKioskApi } from '../../api/kiosk-context';
import { useI18n } from '../../i18n/i18n-context';
import { useCustomerSession } from '../../session/customer-session';
import { NeedMoreTime, useInactivity } from '../../ui/need-more-time';
import { errorKeys } from '../error/error-words';
import { digitsToCents, policyOf, pressKey, type KeypadKey } from './amount-logic';
import { Keypad } from './keypad';
import { QuoteSummary, refusalSentence } from './quote-summary';

/**
 * PRODUCT.md "The customer flow" 1: an untouched amount screen goes back to the welcome (and the
 * default language) after this long; "Need more time?" shows for the last AMOUNT_WARN_MS (issue 16).
 */
export const AMOUNT_IDLE_RESET_MS = 60_000;
export const AMOUNT_WARN_MS = 15_000;

type Entry = { source: 'preset'; cents: number } | { source: 'keypad'; digits: string };
const EMPTY: Entry = { source: 'keypad', digits: '' };

function entryCents(entry: Entry): number | null {
  return entry.source === 'preset' ? entry.cents : digitsToCents(entry.digits);
}

export function AmountScreen({ state }: { state: KioskState }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const { end } = useCustomerSession();
  const [entry, setEntry] = useState<Entry>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [callError, setCallError] = useState<string | null>(null);
  const { limits } = state;
  const policy = policyOf(state);
  const cents = entryCents(entry);
  // The core's rule on the core's numbers: the cloud's limits and fee, and the coins not reserved.
  const check = checkAmount(cents, policy, state.free_coins);
  const presets = limits.presets_cents.map((p) => ({ cents: p, check: checkAmount(p, policy, state.free_coins) }));
  const presetRefusal = presets.map((p) => p.check).find((c): c is AmountRefusal => c.kind !== 'ok' && c.kind !== 'none');
  // Why a preset is disabled, said once: not again when the entered amount is refused with the same sentence.
  const presetReason = presetRefusal ? refusalSentence(presetRefusal, t) : null;
  const showPresetReason = presetReason !== null && (check.kind === 'ok' || check.kind === 'none' || refusalSentence(check, t) !== presetReason);
  // The range follows the stock (issue 16): with few coins left the largest amount is what they cover.
  const largest = largestPayable(policy, state.free_coins);
  const range = largest < policy.max_cents
    ? t('amount.stock_limited', { max: formatCents(largest), coins: state.free_coins })
    : t('amount.limits', { min: formatCents(limits.min_cents), max: formatCents(limits.max_cents) });
  const idle = useInactivity(AMOUNT_IDLE_RESET_MS, AMOUNT_WARN_MS, end, entry);
  // While "Need more time?" asks, the screen behind it is inert: its one button is the only action.
  const warning = idle.warnSeconds !== null;

  const onKey = (key: KeypadKey) => {
    setCallError(null);
    setEntry((e) => ({ source: 'keypad', digits: pressKey(e.source === 'keypad' ? e.digits : '', key, limits.max_cents) }));
  };
  const onPreset = (presetCents: number) => {
    setCallError(null);
    setEntry({ source: 'preset', cents: presetCents });
  };
  const onCashOut = async () => {
    if (check.kind !== 'ok' || busy) return;
    setBusy(true);
    const reply = await api.startCashOut({ amount_cents: check.quote.amount_cents });
    setBusy(false);
    if (!reply.ok) {
      const keys = errorKeys(errorKindOf(reply.error.code));
      setCallError(`${t(keys.title)}. ${t(keys.body)}`);
    }
  };

  return (
    <section className="screen amount-screen" data-testid="screen-idle" aria-labelledby="amount-title">
      <div className="amount-main" inert={warning}>
        <h1 id="amount-title">{t('amount.title')}</h1>
        <div className="presets" role="group" aria-label={t('amount.presets')}>
          {presets.map(({ cents: p, check: pc }) => (
            <button key={p} type="button" className="preset" data-testid={`preset-${p}`}
              disabled={pc.kind !== 'ok'} aria-describedby={pc.kind !== 'ok' && showPresetReason ? 'preset-refusal' : undefined}
              aria-pressed={entry.source === 'preset' && entry.cents === p} onClick={() => onPreset(p)}>
              {formatCents(p)}
            </button>
          ))}
        </div>
        {showPresetReason && <p className="refusal" id="preset-refusal" data-testid="preset-refusal">{presetReason}</p>}
        <div className="amount-display">
          <span className="visually-hidden">{t('amount.entered')}</span>
          <output data-testid="amount-entered" aria-live="polite">{cents === null ? '$—' : formatCents(cents)}</output>
          <span className="limits" data-testid="amount-range">{range}</span>
        </div>
        <QuoteSummary check={check} />
        {callError && <p className="refusal" role="alert" data-testid="call-error">{callError}</p>}
        <div className="actions">
          <button type="button" className="secondary big" data-testid="back" onClick={end}>
            {t('amount.back')}
          </button>
          <button type="button" className="primary big" data-testid="cash-out" disabled={check.kind !== 'ok' || busy} onClick={() => void onCashOut()}>
            {t('amount.cash_out')}
          </button>
        </div>
      </div>
      <Keypad onKey={onKey} inert={warning} />
      {warning && idle.warnSeconds !== null && <NeedMoreTime seconds={idle.warnSeconds} onMore={idle.extend} />}
    </section>
  );
}
