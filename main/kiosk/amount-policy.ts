import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { checkAmount, type AmountPolicy } from '../../contract/amount-rules';
import type { Limits } from '../../contract/kiosk-api';
import { applyOverrides, type KioskOverrides } from '../../contract/remote-config';
import type { KioskDb } from '../db/open-db';
import { getAmountPolicy, saveAmountPolicy } from '../db/kiosk-state';

/**
 * The limits and fee this kiosk applies: the cloud's (ARCHITECTURE.md "One source for limits and
 * fees"), delivered at enrolment and with every sync answer and kept in kiosk_state so they survive a
 * restart. The kiosk's env values (LIMIT_MIN_CENTS, LIMIT_MAX_CENTS, FEE_FLAT_CENTS, FEE_BPS) are
 * only the fallback before the first contact. The cloud's quote in POST /v1/transactions still wins.
 */
export interface AmountPolicyHolder {
  current(): AmountPolicy;
  /** Stores the cloud's policy; true when it changed what the kiosk applies. */
  update(policy: AmountPolicy): boolean;
  /** The amount screen's limits: the policy's, with the kiosk's presets that fall inside them. */
  limits(): Limits;
  /** Issue 17: the operator's applied overrides for this kiosk, on top of the cloud's policy; true when that changed it. */
  setOverrides(o: KioskOverrides | null): boolean;
}

export function createAmountPolicyHolder(deps: { db: KioskDb; log: Logger; fallback: AmountPolicy; presetsCents: readonly number[] }): AmountPolicyHolder {
  let stored = getAmountPolicy(deps.db);
  let base = stored ?? deps.fallback;
  let overrides: KioskOverrides | null = null;
  let policy = base;
  return {
    current: () => policy,
    update(next) {
      if (stored !== null && isDeepStrictEqual(next, stored)) return false;
      saveAmountPolicy(deps.db, next);
      const merged = applyOverrides(next, overrides);
      const changed = !isDeepStrictEqual(merged, policy);
      if (changed) deps.log.info({ policy: merged }, "the cloud's limits and fee are now applied");
      stored = base = next;
      policy = merged;
      return changed;
    },
    setOverrides(o) {
      overrides = o;
      const merged = applyOverrides(base, o);
      const changed = !isDeepStrictEqual(merged, policy);
      policy = merged;
      return changed;
    },
    limits() {
      const presets = deps.presetsCents.filter((p) => {
        const kind = checkAmount(p, policy).kind;
        return kind !== 'below_min' && kind !== 'above_max';
      });
      return { min_cents: policy.min_cents, max_cents: policy.max_cents, presets_cents: presets };
    },
  };
}
