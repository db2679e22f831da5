import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../contract/clock';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { startCloud, type RunningCloud } from '../start-cloud';
import { createTransaction, postWorldId, resultFor } from '../testing/flows';
import { createHarness, silentLog, type Harness } from '../testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from '../testing/payment-flows';

/**
 * Issue 18 "Run scheduled work once across the fleet": two cloud instances (startCloud, each with its own
 * pg pool) on one real Postgres, every task firing each second. Each firing runs on exactly one of them
 * (scheduled_runs claims), an expired transaction is expired once, and the payment re-checker of both
 * instances asks the portal once per due check. PGlite is one instance's own database: Postgres only.
 */
const NEVER = '0 0 1 1 *';

describe.skipIf(!process.env.DATABASE_URL)('two cloud instances on one Postgres', () => {
  let h: Harness;
  let portal: FakePortal;
  const clouds: RunningCloud[] = [];

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness('pg', { ...worldAppEnv(portal), CRON_RETURN_LEASES: '* * * * * *', CRON_EXPIRE_TRANSACTIONS: '* * * * * *', CRON_RETENTION: NEVER });
  });
  afterAll(async () => {
    for (const c of clouds) await c.close();
    await h.dispose();
    await portal.close();
  });

  it('runs each scheduled firing once, expires a transaction once, and re-checks a pending payment once per due time', async () => {
    const kiosk = await h.enrollKiosk('scale-out');
    const stale = await createTransaction(h, kiosk.token);
    const pending = await createTransaction(h, kiosk.token);
    expect((await postWorldId(h, kiosk.token, pending.transaction.id, resultFor(pending, 'scale-out'))).status).toBe(200);
    const paid = await payAsAsked(h, portal, pending.transaction.id, { pendingChecks: 1000 });
    expect((await postPayment(h, pending.transaction.id, paid)).status).toBe(202);
    await h.tdb.db.query("UPDATE transactions SET expires_at = now() - interval '1 second' WHERE id = $1", [stale.transaction.id]);
    // The re-checker runs on the system clock from here: due now.
    await h.tdb.db.query('UPDATE payments SET next_check_at = now() WHERE world_app_transaction_id = $1', [paid]);
    const lookupsBefore = portal.payments.calls().filter((c) => c.transactionId === paid).length;

    const firings: Record<'return-leases' | 'expire-transactions', string[]> = { 'return-leases': [], 'expire-transactions': [] };
    for (let i = 0; i < 2; i++) {
      const cloud = await startCloud({ ...h.config, PORT: 0 }, { db: await h.tdb.reopen!(), clock: systemClock, log: silentLog });
      for (const name of ['return-leases', 'expire-transactions'] as const) {
        cloud.scheduler.tasks.get(name)!.on('execution:finished', (ctx) => void firings[name].push(ctx.date.toISOString()));
      }
      clouds.push(cloud);
    }
    await new Promise((r) => setTimeout(r, 6500));
    for (const c of clouds) await c.scheduler.stop();

    for (const name of ['return-leases', 'expire-transactions'] as const) {
      expect(firings[name].length).toBeGreaterThanOrEqual(4); // every second ran…
      expect(new Set(firings[name]).size).toBe(firings[name].length); // …on one instance only
    }
    const expired = await h.tdb.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM transaction_events WHERE transaction_id = $1 AND type = 'transaction.expired'",
      [stale.transaction.id],
    );
    expect(expired.rows[0]?.n).toBe(1);
    // Backoff 1 s, 2 s, 4 s from the first check at ~0 s: 3 checks in 6.5 s, each asked once by one instance.
    const { rows } = await h.tdb.db.query<{ check_count: number }>('SELECT check_count FROM payments WHERE world_app_transaction_id = $1', [paid]);
    const lookups = portal.payments.calls().filter((c) => c.transactionId === paid).length - lookupsBefore;
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(lookups).toBeLessThanOrEqual(4);
    expect(rows[0]?.check_count).toBe(1 + lookups); // the POST's check plus one per re-check: none doubled
  }, 60_000);
});
