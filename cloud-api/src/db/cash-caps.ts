import { ErrorCodes } from '../../../contract/http';
import type { Queryable } from './db';
import { COUNTED } from './nullifiers';

/**
 * Daily cash caps (issue 14; docs/SECURITY.md "Daily cash caps"): KIOSK_DAILY_CAP_CENTS per kiosk and
 * FLEET_DAILY_CAP_CENTS for every kiosk together, over the operator's day (PER_HUMAN_DAY_TIME_ZONE).
 * Checked when a cash-out is registered, so a customer is told before scanning or paying. A cash-out
 * holds its amount from registration: registered and still open, or counted like the per-human limits
 * (nullifiers.ts COUNTED: verified, paid, paying out, paid out, or given a job). One that expired, was
 * cancelled or failed without a job gives it back.
 */
export interface DailyCaps {
  kioskCents: number | undefined;
  fleetCents: number | undefined;
}

export type CapRefusal = { code: typeof ErrorCodes.kioskDailyCapReached | typeof ErrorCodes.fleetDailyCapReached; message: string };

/** `$1` = now, `$2`/`$3` = the day's [start, end). */
const HOLDS_CASH = `t.created_at >= $2 AND t.created_at < $3
  AND ((t.status = 'created' AND t.expires_at > $1) OR ${COUNTED})`;

// pg_advisory_xact_lock key of the fleet cap: registrations are counted one after the other (any number).
const FLEET_CAP_LOCK = 7_114_142_001;

export function hasDailyCaps(caps: DailyCaps): boolean {
  return caps.kioskCents !== undefined || caps.fleetCents !== undefined;
}

/**
 * In the registering DB transaction, before the insert: locks what it counts, so two registrations at
 * the edge are counted one after the other and never both pass (Postgres READ COMMITTED: the second
 * sees the first's committed row). With a fleet cap that is the fleet-wide advisory lock, which already
 * orders every registration (so the kiosk's sum is ordered too); with only a kiosk cap, the kiosk's row.
 * The count runs in its own statement AFTER the lock (a statement's snapshot is taken when it starts, so
 * one that waited for the lock inside itself would not see the row it waited for). A transaction id
 * already registered is not checked again, so the same registration sent again is answered as before.
 * Two statements (issue 18: round trips).
 */
export async function checkDailyCaps(
  q: Queryable,
  o: { kioskId: string; transactionId: string; amountCents: number; caps: DailyCaps; now: Date; day: { start: Date; end: Date } },
): Promise<CapRefusal | null> {
  const { caps } = o;
  if (!hasDailyCaps(caps)) return null;
  if (caps.fleetCents !== undefined) await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [FLEET_CAP_LOCK]);
  else await q.query('SELECT id FROM kiosks WHERE id = $1 FOR UPDATE', [o.kioskId]);
  const { rows } = await q.query<{ registered: boolean; kiosk: number; fleet: number }>(
    `SELECT EXISTS (SELECT 1 FROM transactions WHERE id = $5) AS registered,
            COALESCE(sum(t.amount_cents) FILTER (WHERE t.kiosk_id = $4), 0)::int AS kiosk,
            COALESCE(sum(t.amount_cents), 0)::bigint::int AS fleet
       FROM transactions t WHERE ${HOLDS_CASH}`,
    [o.now, o.day.start, o.day.end, o.kioskId, o.transactionId],
  );
  const used = rows[0] ?? { registered: false, kiosk: 0, fleet: 0 };
  if (used.registered) return null;
  if (caps.kioskCents !== undefined && used.kiosk + o.amountCents > caps.kioskCents) {
    return { code: ErrorCodes.kioskDailyCapReached, message: `this kiosk has paid out what it may today (${used.kiosk} of ${caps.kioskCents} cents); choose a smaller amount or come back tomorrow` };
  }
  if (caps.fleetCents !== undefined && used.fleet + o.amountCents > caps.fleetCents) {
    return { code: ErrorCodes.fleetDailyCapReached, message: `the kiosks have paid out what they may today (${used.fleet} of ${caps.fleetCents} cents); choose a smaller amount or come back tomorrow` };
  }
  return null;
}

export interface CapReached {
  kind: 'kiosk_daily_cap_reached' | 'fleet_daily_cap_reached';
  kiosk_id: string | null;
  used_cents: number;
  cap_cents: number;
}

/**
 * The caps reached today, for GET /v1/fleet/attention: reached = the room left is smaller than the
 * smallest amount (MIN_AMOUNT_CENTS), so every cash-out is refused until the day ends.
 */
export async function dailyCapsReached(q: Queryable, o: { caps: DailyCaps; minCents: number; now: Date; day: { start: Date; end: Date } }): Promise<CapReached[]> {
  const out: CapReached[] = [];
  if (o.caps.kioskCents !== undefined) {
    const { rows } = await q.query<{ kiosk_id: string; used: number }>(
      `SELECT t.kiosk_id, sum(t.amount_cents)::bigint::int AS used FROM transactions t WHERE ${HOLDS_CASH}
        GROUP BY t.kiosk_id HAVING sum(t.amount_cents) > $4::int - $5::int ORDER BY t.kiosk_id`,
      [o.now, o.day.start, o.day.end, o.caps.kioskCents, o.minCents],
    );
    for (const r of rows) out.push({ kind: 'kiosk_daily_cap_reached', kiosk_id: r.kiosk_id, used_cents: r.used, cap_cents: o.caps.kioskCents });
  }
  if (o.caps.fleetCents !== undefined) {
    const { rows } = await q.query<{ used: number }>(
      `SELECT COALESCE(sum(t.amount_cents), 0)::bigint::int AS used FROM transactions t WHERE ${HOLDS_CASH}`,
      [o.now, o.day.start, o.day.end],
    );
    const used = rows[0]?.used ?? 0;
    if (o.caps.fleetCents - used < o.minCents) out.push({ kind: 'fleet_daily_cap_reached', kiosk_id: null, used_cents: used, cap_cents: o.caps.fleetCents });
  }
  return out;
}
