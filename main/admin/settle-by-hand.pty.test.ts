import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../../contract/clock';
import type { KioskState } from '../../contract/kiosk-api';
import { startHopperOnPty } from '../../sim/hopper/pty';
import { parseKioskConfig } from '../config';
import { openKioskDb } from '../db/open-db';
import { createCcTalkDispenser } from '../hardware/cctalk-dispenser';
import { PayoutJournal } from '../hardware/payout-journal';
import { startKioskApp } from '../kiosk-app';
import { startRealCloud } from '../../test/support/real-cloud';
import { adminRows } from './testing/tmp-db';

/**
 * Issue 13, "A hopper swapped while an intent is open": the whole kiosk core with the real ccTalk
 * dispenser on a socat pty against a hopper whose serial is not the one the open intent was sent to.
 * Out of service with fault 'swapped', no customer, the counters settle nothing; the technician
 * settles it by hand with the PIN (audited settled_by: technician), and the kiosk is back in service.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a hopper swapped while a payout intent is open', () => {
  it('keeps the kiosk out of service until the technician settles the payout by hand with the PIN', async () => {
    const log = pino({ level: 'silent' });
    const hopper = await startHopperOnPty({ serial: 111111, coinsPerSecond: 100 });
    cleanups.push(() => hopper.stop());
    const cloud = await startRealCloud('pglite');
    cleanups.push(() => cloud.close());
    const config = parseKioskConfig({ CLOUD_URL: cloud.proxy.url, HOPPER_PORT: hopper.devicePath, ENROLLMENT_CODE: await cloud.enrollmentCode(), INVENTORY_SEED_COINS: '100', ADMIN_PIN: '2468' });
    const db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'swap-')), 'kiosk.sqlite'));
    const journal = new PayoutJournal(db, systemClock);
    // left by the hopper that was unplugged and replaced (serial 999999) while it paid
    const intentId = journal.recordIntent({ jobId: 'tech-test-before-swap', hopperSerial: 999999, eventCounter: 3, dispenseCount: 500, coins: 6 });
    const dispenser = createCcTalkDispenser({ path: hopper.devicePath, journal, clock: systemClock, log, statusPollMs: 20, replyTimeoutMs: 150 });
    const app = await startKioskApp(config, { clock: systemClock, log, dispenser, db });
    cleanups.push(async () => {
      await app.stop();
      db.close();
    });
    let latest: KioskState | null = null;
    app.api.onState((s) => (latest = s));
    const waitFor = async (pred: (s: KioskState) => boolean) => {
      for (let i = 0; i < 500 && !(latest && pred(latest)); i++) await new Promise((r) => setTimeout(r, 10));
      expect(latest).toSatisfy((s: KioskState | null) => s !== null && pred(s));
    };

    await waitFor((s) => s.online && s.hopper.connected && s.hopper.faults.includes('swapped'));
    expect(latest!.out_of_service).toBe('hopper');
    expect((await app.api.startCashOut({ amount_cents: 100 })).ok).toBe(false); // no customer

    expect(await app.api.adminUnlock({ pin: '2468' })).toMatchObject({ ok: true });
    const status = await app.api.adminStatus({});
    expect(status.ok && status.value.in_doubt).toEqual([expect.objectContaining({ intent_id: intentId, hopper_serial: 999999 })]);
    expect(status.ok && status.value.hopper.faults).toContain('swapped');
    expect(await app.api.adminSettleInDoubt({})).toMatchObject({ ok: true, value: { settled: [] } }); // counters cannot settle it
    expect(journal.openIntents()).toHaveLength(1);

    expect(await app.api.adminSettleByHand({ intent_id: intentId, coins_paid: 4, pin: '1111' })).toMatchObject({ ok: false, error: { code: 'pin_wrong' } });
    expect(await app.api.adminSettleByHand({ intent_id: intentId, coins_paid: 7, pin: '2468' })).toMatchObject({ ok: false, error: { code: 'too_many_coins' } });
    expect(journal.openIntents()).toHaveLength(1);
    expect(await app.api.adminSettleByHand({ intent_id: intentId, coins_paid: 4, pin: '2468' })).toMatchObject({ ok: true, value: { intent_id: intentId, coins_paid: 4 } });
    expect(await app.api.adminSettleByHand({ intent_id: intentId, coins_paid: 4, pin: '2468' })).toMatchObject({ ok: false, error: { code: 'not_found' } }); // once

    expect(journal.intent(intentId)).toEqual({ outcome: 'partial', coinsPaid: 4, settledBy: 'technician' });
    const audit = adminRows(db).events.filter((e) => e.type === 'admin.settle_by_hand');
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ intent_id: intentId, coins_paid: 4, settled_by: 'technician', hopper_serial: 999999, hopper_serial_now: 111111 });
    expect(audit[0]!.data).not.toContain('2468'); // never the PIN

    expect(await app.api.adminLock({})).toMatchObject({ ok: true });
    await waitFor((s) => s.out_of_service === null && s.hopper.ok && !s.hopper.faults.includes('swapped'));
    expect(hopper.sim.coinsOut).toBe(0); // the new hopper paid nothing: the 4 coins came from the old one, counted by hand
    expect(journal.coinsPaidTotal()).toBe(hopper.sim.coinsOut + 4);
  });
});
