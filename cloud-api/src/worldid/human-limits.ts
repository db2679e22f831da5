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

/** True when `timeZone` is one Intl knows (an IANA name such as "America/Bogota", or "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** One formatter per zone: building an Intl.DateTimeFormat is the costly part (issue 18 profile: ~3 % of a cash-out). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes the zone's wall clock is ahead of UTC at `at`. */
function offsetMinutes(at: Date, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The operator's day that contains `now`, as [start, end) instants: local midnight to local midnight. */
export function dayWindow(now: Date, timeZone: string): { start: Date; end: Date } {
  const local = new Date(now.getTime() + offsetMinutes(now, timeZone) * 60_000);
  const midnightAt = (y: number, m: number, d: number) => {
    const wall = Date.UTC(y, m, d);
    // Two passes settle a day that starts next to a DST change.
    let guess = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
    guess = wall - offsetMinutes(new Date(guess), timeZone) * 60_000;
    return new Date(guess);
  };
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  return { start: midnightAt(y, m, d), end: midnightAt(y, m, d + 1) };
}
