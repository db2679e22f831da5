import { z } from 'zod';

/**
 * The operator's day (PER_HUMAN_DAY_TIME_ZONE; docs/SECURITY.md "Per-human limits"): local midnight to
 * local midnight in one zone. ONE rule for both sides: the cloud counts the per-human limits and the
 * daily cash caps in it (cloud-api worldid/human-limits.ts re-exports it), and the kiosk's error screen
 * says when a daily limit resets from it (the zone comes in amount_policy.day_time_zone). Pure: Intl only.
 */

/** True when `timeZone` is one Intl knows (an IANA name such as "America/Bogota", or "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The day's zone: `UTC` or an IANA zone Intl knows. */
export const DayTimeZoneSchema = z.string().min(1).max(64).refine(isKnownTimeZone, 'must be UTC or an IANA time zone such as America/Bogota');

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

/**
 * The operator's day that contains `now`, as [start, end) instants: local midnight to local midnight
 * (23 or 25 hours across a DST change). `end` is when a daily limit resets.
 */
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
