/**
 * Per-human daily limits (PRODUCT.md "Money rules"; issue 14, docs/SECURITY.md "Per-human limits").
 * Pure: no I/O.
 *
 * A person's 3.0 Orb nullifier and 4.0 Orb nullifier cannot be linked, so while both are accepted each
 * protocol gets half the limit (4.0 the larger half of an odd number): together they never exceed it.
 * With WORLD_ID_ACCEPT_LEGACY=0 a 4.0 proof gets the whole limit.
 */
export interface HumanLimits {
  dailyCount: number;
  dailyCents: number;
}

export function humanLimitsFor(protocol: '3.0' | '4.0', limits: HumanLimits, acceptLegacy: boolean): HumanLimits {
  if (!acceptLegacy) return limits;
  const half = (n: number) => (protocol === '4.0' ? Math.ceil(n / 2) : Math.floor(n / 2));
  return { dailyCount: half(limits.dailyCount), dailyCents: half(limits.dailyCents) };
}

/** The operator's day (PER_HUMAN_DAY_TIME_ZONE): one rule with the kiosk's "resets at", in contract/operator-day.ts. */
export { dayWindow, isKnownTimeZone } from '../../../contract/operator-day';
