import type { Queryable } from './db';

/**
 * Reconciliation per kiosk and UTC day (issue 17, contract/console-api.ts ReconciliationRowSchema):
 * - coins_loaded: refills at the kiosk (admin.action `refill`: the new count minus the previous one, never below 0);
 * - coins_due: coins of the day's cash-out dispense jobs (what customers were promised);
 * - coins_paid: coins those jobs paid out;
 * - credits_opened_coins: coins owed in credits opened that day (issue 15's ledger);
 * - credits_collected_coins: coins claim jobs paid out that day (credits collected at a kiosk);
 * - difference = coins_due − coins_paid − credits_opened_coins: 0 when every promised coin was paid or is owed.
 * Only days with activity are listed.
 */
export interface ReconciliationRow {
  kiosk_id: string;
  kiosk_name: string;
  day: string;
  coins_loaded: number;
  coins_due: number;
  coins_paid: number;
  credits_opened_coins: number;
  credits_collected_coins: number;
  difference: number;
}

export async function reconciliation(q: Queryable, o: { from: string; to: string; kioskId?: string }): Promise<ReconciliationRow[]> {
  const start = new Date(`${o.from}T00:00:00.000Z`);
  const end = new Date(new Date(`${o.to}T00:00:00.000Z`).getTime() + 86_400_000);
  const { rows } = await q.query<{ kiosk_id: string; kiosk_name: string; day: string; loaded: number; due: number; paid: number; opened: number; collected: number }>(
    `WITH facts AS (
       SELECT e.kiosk_id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              GREATEST(COALESCE((e.payload->'detail'->>'coins')::int, 0) - COALESCE((e.payload->'detail'->>'previous')::int, 0), 0) AS loaded,
              0 AS due, 0 AS paid, 0 AS opened, 0 AS collected
         FROM kiosk_events e
        WHERE e.type = 'admin.action' AND e.payload->>'action' = 'refill' AND e.occurred_at >= $1 AND e.occurred_at < $2
       UNION ALL
       SELECT j.kiosk_id, to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 0,
              CASE WHEN t.kind = 'cash_out' THEN j.coins ELSE 0 END,
              CASE WHEN t.kind = 'cash_out' THEN COALESCE(j.coins_paid, 0) ELSE 0 END, 0,
              CASE WHEN t.kind = 'claim' THEN COALESCE(j.coins_paid, 0) ELSE 0 END
         FROM dispense_jobs j JOIN transactions t ON t.id = j.transaction_id
        WHERE j.created_at >= $1 AND j.created_at < $2
       UNION ALL
       SELECT c.kiosk_id, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 0, 0, 0, c.coins, 0
         FROM credits c WHERE c.created_at >= $1 AND c.created_at < $2
     )
     SELECT f.kiosk_id, k.name AS kiosk_name, f.day, sum(loaded)::int AS loaded, sum(due)::int AS due, sum(paid)::int AS paid,
            sum(opened)::int AS opened, sum(collected)::int AS collected
       FROM facts f JOIN kiosks k ON k.id = f.kiosk_id
      WHERE $3::uuid IS NULL OR f.kiosk_id = $3
      GROUP BY f.kiosk_id, k.name, f.day
      ORDER BY f.day, k.name, f.kiosk_id`,
    [start, end, o.kioskId ?? null],
  );
  return rows.map((r) => ({
    kiosk_id: r.kiosk_id,
    kiosk_name: r.kiosk_name,
    day: r.day,
    coins_loaded: r.loaded,
    coins_due: r.due,
    coins_paid: r.paid,
    credits_opened_coins: r.opened,
    credits_collected_coins: r.collected,
    difference: r.due - r.paid - r.opened,
  }));
}
