import { afterEach, describe, expect, it } from 'vitest';
import type { KioskApi } from '../../contract/kiosk-api';
import { startHarness, type Harness } from '../kiosk/testing/kiosk-harness';
import { adminRows } from './testing/tmp-db';

/** The admin commands through the KioskApi of the whole core (real SQLite, the real cloud over HTTP). */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const PIN = '2468';
async function start(opts: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness({ ...opts, env: { ADMIN_PIN: PIN, ...opts.env } });
  await h.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk to be in service');
  return h;
}
async function unlocked(api: KioskApi) {
  expect(await api.adminUnlock({ pin: PIN })).toMatchObject({ ok: true });
}

describe('admin commands', () => {
  it('refuses every command but unlock while locked, and a wrong PIN opens nothing', async () => {
    const x = await start();
    expect(await x.api.adminStatus({})).toMatchObject({ ok: false, error: { code: 'admin_locked' } });
    expect(await x.api.adminRefill({ coins: 10 })).toMatchObject({ ok: false, error: { code: 'admin_locked' } });
    expect(await x.api.adminUnlock({ pin: '1111' })).toMatchObject({ ok: false, error: { code: 'pin_wrong' } });
    expect(x.latest().admin_open).toBe(false);
    await unlocked(x.api);
    await x.waitFor((s) => s.admin_open, 'admin_open');
    expect(await x.api.adminLock({})).toMatchObject({ ok: true });
    await x.waitFor((s) => !s.admin_open, 'admin closed');
    expect(await x.api.adminStatus({})).toMatchObject({ ok: false, error: { code: 'admin_locked' } });
  });

  it('reports status: hopper, inventory, sync, network, enrolment, software and recent log', async () => {
    const x = await start({ coins: 300 });
    await unlocked(x.api);
    const r = await x.api.adminStatus({});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      hopper: { connected: true, faults: [], level: 'ok', port: '/dev/null' },
      inventory: { coins: 300, reserved: 0, paid_total: 0 },
      in_doubt: [],
      network: { online: true, cloud_url: x.cloud.proxy.url },
      enrolment: { kiosk_id: expect.any(String), name: 'RoluATM kiosk' },
      software: { version: '0.1.0', build: 'dev' },
    });
    expect(r.value.network.last_contact_at).not.toBeNull();
    expect(JSON.stringify(r.value)).not.toMatch(/token|job_public_key/);
  });

  it('refills and empties the hopper count, refusing a negative count with invalid_params', async () => {
    const x = await start({ coins: 50 });
    await unlocked(x.api);
    expect(await x.api.adminRefill({ coins: -5 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await x.api.adminRefill({ coins: 900 })).toMatchObject({ ok: true, value: { coins: 900 } });
    await x.waitFor((s) => s.hopper.coins_available === 900, 'the new count');
    expect(await x.api.adminEmpty({})).toMatchObject({ ok: true, value: { coins: 0 } });
    await x.waitFor((s) => s.hopper.coins_available === 0 && s.out_of_service === 'empty', 'empty');
    const rows = adminRows(x.db);
    expect(rows.events.map((e) => e.type)).toEqual(['admin.pin_set', 'admin.unlock', 'admin.refill', 'admin.empty']);
    expect(rows.outbox.map((o) => (JSON.parse(o.payload) as { action: string }).action)).toEqual(['pin_set', 'unlock', 'refill', 'empty']);
  });

  it('test-dispenses one coin through the journal under a technician id, and refuses a second while the first pays', async () => {
    const x = await start({ coins: 40 });
    await unlocked(x.api);
    x.dispenser.hold();
    const first = x.api.adminTestDispense({});
    for (let i = 0; i < 200 && x.dispenser.payouts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await x.api.adminTestDispense({})).toMatchObject({ ok: false, error: { code: 'payout_running' } });
    x.dispenser.release();
    expect(await first).toMatchObject({ ok: true, value: { coins_paid: 1, outcome: 'completed' } });
    expect(x.dispenser.payouts.map((p) => [p.coins, p.jobId.startsWith('tech-test-')])).toEqual([[1, true]]);
    expect(x.journal.getInventory()).toBe(39);
    expect(x.db.prepare('SELECT count(*) FROM dispense_jobs').pluck().get()).toBe(0);
    expect(adminRows(x.db).events.map((e) => e.type)).toContain('admin.test_dispense');
  });

  it('keeps the customer flow and the admin screen apart', async () => {
    const x = await start();
    await unlocked(x.api);
    expect(await x.api.startCashOut({ amount_cents: 500 })).toMatchObject({ ok: false, error: { code: 'admin_open' } });
    await x.api.adminLock({});
    x.dispenser.hold();
    expect((await x.api.startCashOut({ amount_cents: 500 })).ok).toBe(true);
    await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    expect(await x.api.adminUnlock({ pin: PIN })).toMatchObject({ ok: false, error: { code: 'customer_active' } });
    x.worldId.approve();
    await x.waitFor((s) => s.flow.screen === 'dispensing', 'the payout');
    expect(await x.api.adminUnlock({ pin: PIN })).toMatchObject({ ok: false, error: { code: 'customer_active' } });
    x.dispenser.release();
    await x.waitFor((s) => s.flow.screen === 'done', 'the receipt');
    await unlocked(x.api);
  });

  it('settles an in-doubt payout from the counters and shows the evidence', async () => {
    const x = await start();
    await unlocked(x.api);
    x.journal.recordIntent({ jobId: 'tech-test-x', hopperSerial: 1, eventCounter: 0, dispenseCount: 0, coins: 1 });
    const st = await x.api.adminStatus({});
    expect(st.ok && st.value.in_doubt).toEqual([expect.objectContaining({ job_id: 'tech-test-x', coins: 1, event_counter_before: 0 })]);
    expect(await x.api.adminTestDispense({})).toMatchObject({ ok: false, error: { code: 'in_doubt' } });
    x.dispenser.settleAs = 1;
    expect(await x.api.adminSettleInDoubt({})).toMatchObject({ ok: true, value: { settled: [{ job_id: 'tech-test-x', coins_paid: 1, evidence: 'test' }] } });
    expect(x.journal.openIntents()).toEqual([]);
  });

  it('turns maintenance on and off (out of service while on, kept across a restart)', async () => {
    const x = await start();
    await unlocked(x.api);
    expect(await x.api.adminSetMaintenance({ on: true })).toMatchObject({ ok: true });
    await x.waitFor((s) => s.out_of_service === 'maintenance', 'maintenance');
    await x.stop(false);
    h = await startHarness({ cloud: x.cloud, path: x.path, env: { ADMIN_PIN: PIN } });
    await h.waitFor((s) => s.out_of_service === 'maintenance', 'maintenance after restart');
    await unlocked(h.api);
    await h.api.adminSetMaintenance({ on: false });
    await h.waitFor((s) => s.out_of_service === null, 'back in service');
  });

  it('enrols with a code when not enrolled, refuses a second enrolment, and reports a refused code', async () => {
    h = await startHarness({ env: { ADMIN_PIN: PIN, ENROLLMENT_CODE: '' } });
    await h.waitFor((s) => s.out_of_service === 'not_enrolled', 'not enrolled');
    await unlocked(h.api);
    expect(await h.api.adminEnroll({ code: 'wrong-code-000000' })).toMatchObject({ ok: false, error: { code: 'enrol_refused' } });
    const code = await h.cloud.enrollmentCode();
    const enrolled = await h.api.adminEnroll({ code, name: 'Lobby' });
    const { rows } = await h.cloud.cloud.db.query<{ id: string; name: string }>('SELECT id, name FROM kiosks');
    expect(rows).toEqual([{ id: expect.any(String), name: 'Lobby' }]);
    expect(enrolled).toMatchObject({ ok: true, value: { kiosk_id: rows[0]!.id } });
    await h.waitFor((s) => s.online && s.out_of_service === null, 'in service after enrolment');
    expect(await h.api.adminEnroll({ code: await h.cloud.enrollmentCode() })).toMatchObject({ ok: false, error: { code: 'already_enrolled' } });
    const events = adminRows(h.db).events;
    expect(events.map((e) => e.type)).toContain('admin.enrolled');
    expect(JSON.stringify(events)).not.toContain(code);
    expect(JSON.stringify(events)).not.toContain('wrong-code');
  });

  it('syncs now: the admin actions reach the cloud as admin.action events', async () => {
    const x = await start();
    await unlocked(x.api);
    await x.api.adminRefill({ coins: 77 });
    expect(await x.api.adminSyncNow({})).toMatchObject({ ok: true, value: { outbox_depth: 0 } });
    const { rows } = await x.cloud.cloud.db.query<{ payload: { action: string } }>("SELECT payload FROM kiosk_events WHERE type = 'admin.action'");
    const actions = rows.map((r) => r.payload.action);
    expect(actions).toEqual(expect.arrayContaining(['unlock', 'refill', 'sync_now']));
  });
});
