import { describe, expect, it } from 'vitest';
import { measureCashOutCost } from './cashout-cost';
import { BACKENDS } from './test-db';

/**
 * Issue 18: what one cash-out costs the database, pinned so it cannot silently grow back. The counts do
 * not depend on the machine's load (the wall-clock figures of `npm run bench -- cloud` do). Before this
 * work (the same flow, counted the same way): create 5 statements (7 round trips), World ID 16 (18),
 * job delivered 2 (2), ack 4 (6), payout result sync 12 (14) = 39 statements, 47 round trips, 4 DB
 * transactions; an empty long-poll look 3. With daily caps the create was 9 (11).
 * A change that adds a statement must lower these on purpose elsewhere or raise them here, saying why.
 */
const EXPECTED = {
  empty_long_poll: { statements: 2, roundTrips: 2, transactions: 0 }, // auth, claim (+ next lease end)
  create: { statements: 3, roundTrips: 3, transactions: 0 }, // auth, applied overrides, register (tx + nonce + event)
  world_id: { statements: 8, roundTrips: 10, transactions: 1 }, // auth, read; tx: lock, nonce, nullifier lock, count+use, verify+event, paid+job+events+NOTIFY
  job_delivered: { statements: 2, roundTrips: 2, transactions: 0 }, // auth, claim + job.delivered
  ack: { statements: 2, roundTrips: 2, transactions: 0 }, // auth, ack + job.acked
  sync_payout_result: { statements: 10, roundTrips: 12, transactions: 1 },
};

describe.each(BACKENDS)('what one cash-out costs the database (%s)', (backend) => {
  it('create → World ID → job delivered → ack → payout result: 25 statements, 29 round trips, 2 DB transactions (was 39, 47, 4)', async () => {
    const cost = await measureCashOutCost(backend);
    for (const [step, counts] of Object.entries(EXPECTED)) {
      expect({ step, ...cost.steps[step as keyof typeof EXPECTED], sql: counts.statements === cost.steps[step as keyof typeof EXPECTED].statements ? undefined : cost.sql[step] })
        .toEqual({ step, ...counts, sql: undefined });
    }
    expect(cost.total).toEqual({ statements: 25, roundTrips: 29, transactions: 2 });
  }, 60_000);

  it('with daily cash caps the create takes a DB transaction: 5 statements, 7 round trips (was 9, 11)', async () => {
    const cost = await measureCashOutCost(backend, { KIOSK_DAILY_CAP_CENTS: '100000', FLEET_DAILY_CAP_CENTS: '1000000' });
    expect(cost.steps.create).toEqual({ statements: 5, roundTrips: 7, transactions: 1 }); // auth, overrides; tx: fleet lock, registered?+sums, register
    expect(cost.total).toEqual({ statements: 27, roundTrips: 33, transactions: 3 });
  }, 60_000);
});
