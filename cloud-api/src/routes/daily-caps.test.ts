import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { FleetAttentionResponseSchema } from '../../../contract/fleet';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { changedTables, checksum } from '../testing/db-checksum';
import { createPaidTransaction, createTransaction } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

/**
 * Daily cash caps (issue 14; db/cash-caps.ts, docs/SECURITY.md "Daily cash caps"): KIOSK_DAILY_CAP_CENTS
 * per kiosk, FLEET_DAILY_CAP_CENTS for all kiosks, over the operator's day, refused at registration with
 * 422 kiosk_daily_cap_reached / fleet_daily_cap_reached, no transaction and unchanged tables, listed in
 * GET /v1/fleet/attention. Each test starts on a day of its own (the clock moves a day ahead).
 */
const KIOSK_CAP = 1000;
const FLEET_CAP = 1500;
const DAY_MS = 86_400_000;

describe.each(BACKENDS)('daily cash caps (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, {
      DEV_PORTAL_BASE_URL: portal.url, KIOSK_DAILY_CAP_CENTS: String(KIOSK_CAP), FLEET_DAILY_CAP_CENTS: String(FLEET_CAP),
    });
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });
  // Noon (UTC, the default PER_HUMAN_DAY_TIME_ZONE) of a day of its own: a test's hours never cross midnight.
  let dayOffset = 0;
  beforeEach(() => {
    const today = new Date();
    h.clock.set(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + (dayOffset += 10), 12)));
  });

  const register = (token: string, amountCents: number, id = newId()) =>
    h.req('POST', '/v1/transactions', { token, body: { id, amount_cents: amountCents } });
  const attention = async () => FleetAttentionResponseSchema.parse(await (await h.req('GET', '/v1/fleet/attention', { token: OPERATOR_TOKEN })).json()).items;

  /** A refusal by a cap: 422 with the code, and no table changed. */
  async function expectCapRefusal(token: string, amountCents: number, code: string) {
    const before = await checksum(h.tdb.db);
    const res = await register(token, amountCents);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/today/);
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  }

  it('refuses the cash-out that would pass the kiosk cap, then the fleet cap, and lists both in the attention view', async () => {
    const a = await h.enrollKiosk('cap-a');
    const b = await h.enrollKiosk('cap-b');
    const first = await createTransaction(h, a.token, 500);
    await createPaidTransaction(h, a.token, { amountCents: 400 });
    await expectCapRefusal(a.token, 200, 'kiosk_daily_cap_reached'); // 900 + 200 > 1000
    expect((await register(a.token, 100)).status).toBe(201); // exactly the cap: 1000
    expect((await attention()).filter((i) => i.kind === 'kiosk_daily_cap_reached')).toEqual([
      expect.objectContaining({ kiosk_id: a.kioskId, transaction_id: null, detail: { used_cents: 1000, cap_cents: KIOSK_CAP } }),
    ]);
    // Another kiosk has its own cap, but the fleet's is shared: 1000 + 500 = 1500, then nothing more.
    expect((await register(b.token, 500)).status).toBe(201);
    await expectCapRefusal(b.token, 100, 'fleet_daily_cap_reached');
    expect((await attention()).map((i) => i.kind)).toEqual(expect.arrayContaining(['kiosk_daily_cap_reached', 'fleet_daily_cap_reached']));
    // The same registration sent again is answered as before, cap or not.
    const again = await register(a.token, 500, first.transaction.id);
    expect(again.status).toBe(200);
  });

  it('gives the room back when an unpaid cash-out expires, and keeps counting one that was given a job', async () => {
    const k = await h.enrollKiosk('cap-expiry');
    const paid = await createPaidTransaction(h, k.token, { amountCents: 600 });
    await createTransaction(h, k.token, 400);
    await expectCapRefusal(k.token, 100, 'kiosk_daily_cap_reached');
    h.clock.advance((h.config.TRANSACTION_TTL_SEC + 1) * 1000); // the unpaid one's expiry passes; the paid one keeps its job
    expect((await register(k.token, 400)).status).toBe(201);
    await expectCapRefusal(k.token, 100, 'kiosk_daily_cap_reached');
    expect(paid.transaction.amount_cents).toBe(600);
  });

  it('starts every operator day afresh', async () => {
    const k = await h.enrollKiosk('cap-day');
    expect((await register(k.token, KIOSK_CAP)).status).toBe(201);
    await expectCapRefusal(k.token, 100, 'kiosk_daily_cap_reached');
    h.clock.advance(DAY_MS);
    expect((await register(k.token, KIOSK_CAP)).status).toBe(201);
  });

  it.runIf(backend === 'pg')('lets exactly one of several concurrent cash-outs at the edge pass, per kiosk and for the fleet', async () => {
    const k = await h.enrollKiosk('cap-race');
    expect((await register(k.token, KIOSK_CAP - 500)).status).toBe(201);
    // Room for one 500 on this kiosk: six at once, one passes.
    const kioskRace = await Promise.all(Array.from({ length: 6 }, () => register(k.token, 500)));
    expect(kioskRace.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    // The fleet has 1500 - 1000 = 500 left: six kiosks at once, one passes.
    const others = await Promise.all(Array.from({ length: 6 }, (_, i) => h.enrollKiosk(`cap-race-${i}`)));
    const fleetRace = await Promise.all(others.map((o) => register(o.token, 500)));
    expect(fleetRace.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    const codes = await Promise.all(fleetRace.filter((r) => r.status === 422).map(async (r) => ((await r.json()) as { error: { code: string } }).error.code));
    expect(new Set(codes)).toEqual(new Set(['fleet_daily_cap_reached']));
    const { rows } = await h.tdb.db.query<{ n: number; cents: number }>(
      'SELECT count(*)::int AS n, sum(amount_cents)::int AS cents FROM transactions WHERE created_at >= $1',
      [new Date(h.clock.now().getTime() - 60_000)],
    );
    expect(rows[0]).toEqual({ n: 3, cents: FLEET_CAP });
  });

  it.runIf(backend === 'pg')('holds the kiosk cap under concurrency without a fleet cap (the kiosk row lock alone)', async () => {
    const only = await createHarness('pg', { DEV_PORTAL_BASE_URL: portal.url, KIOSK_DAILY_CAP_CENTS: String(KIOSK_CAP) });
    try {
      const k = await only.enrollKiosk('cap-race-kiosk-only');
      const race = await Promise.all(
        Array.from({ length: 6 }, () => only.req('POST', '/v1/transactions', { token: k.token, body: { id: newId(), amount_cents: 600 } })),
      );
      expect(race.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    } finally {
      await only.dispose();
    }
  });
});
