import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ManualClock, newId } from '../../contract/clock';
import { quote } from '../../contract/money';
import { openKioskDb, type KioskDb } from '../db/open-db';
import { listUnsent, markSentUpTo, toSyncEvent } from '../db/outbox';
import { getTransaction, insertTransaction, setTransactionStatus } from '../db/transactions';
import type { CronRunner } from './cron-runner';
import { parseKioskSchedule, startKioskScheduler } from './kiosk-scheduler';

const log = pino({ level: 'silent' });
const fee = { flat_cents: 0, bps: 0 };
let db: KioskDb;
let runner: CronRunner | null = null;
const open = () => (db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'kiosk-sched-')), 'kiosk.sqlite')));
afterEach(async () => {
  await runner?.stop();
  runner = null;
  db.close();
});

function start(clock: ManualClock, env: Record<string, string> = {}, writes: { n: number } = { n: 0 }) {
  runner = startKioskScheduler({
    db,
    clock,
    log,
    config: parseKioskSchedule(env),
    heartbeat: () => ({ coins_available: 180, hopper_ok: true, version: '0.1.0' }),
    onWrite: () => (writes.n += 1),
  });
  return runner;
}

describe('kiosk scheduler', () => {
  it('writes a heartbeat with health, inventory, version, outbox depth and the oldest unsynced age', async () => {
    open();
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    insertTransaction(db, clock, newId(), quote(500, fee));
    clock.advance(90_000);
    const writes = { n: 0 };
    await start(clock, {}, writes).runNow('heartbeat');
    const beat = listUnsent(db, 10).map(toSyncEvent).find((e) => e.type === 'kiosk.heartbeat');
    expect(beat?.payload).toEqual({ coins_available: 180, hopper_ok: true, outbox_depth: 1, version: '0.1.0', oldest_unsynced_age_s: 90 });
    expect(writes.n).toBe(1);
  });

  it('reports an oldest unsynced age of 0, not a refusal, after the clock jumped back a day', async () => {
    open();
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    insertTransaction(db, clock, newId(), quote(500, fee));
    clock.advance(-86_400_000);
    await start(clock).runNow('heartbeat');
    expect(listUnsent(db, 10).map(toSyncEvent).at(-1)?.payload).toMatchObject({ outbox_depth: 1, oldest_unsynced_age_s: 0 });
  });

  it('prunes synced rows past the configured retention, never unsynced ones', async () => {
    open();
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    for (let i = 0; i < 3; i++) insertTransaction(db, clock, newId(), quote(100, fee));
    markSentUpTo(db, clock, 2);
    clock.advance(3 * 86_400_000);
    await start(clock, { OUTBOX_RETENTION_DAYS: '2' }).runNow('retention');
    expect(db.prepare('SELECT seq FROM outbox').pluck().all()).toEqual([3]);
  });

  it('expires unpaid local transactions after the TTL and leaves paid ones alone', async () => {
    open();
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    const stale = insertTransaction(db, clock, newId(), quote(100, fee)).id;
    const paid = insertTransaction(db, clock, newId(), quote(100, fee)).id;
    setTransactionStatus(db, clock, paid, { status: 'paid' });
    clock.advance(600_000);
    const fresh = insertTransaction(db, clock, newId(), quote(100, fee)).id;
    clock.advance(301_000);
    await start(clock, { LOCAL_TX_TTL_SEC: '900' }).runNow('expiry');
    expect([stale, paid, fresh].map((id) => getTransaction(db, id)?.status)).toEqual(['expired', 'paid', 'created']);
    expect(listUnsent(db, 20).map(toSyncEvent).at(-1)).toMatchObject({ type: 'transaction.status', payload: { transaction_id: stale, status: 'expired' } });
  });

  it('refuses a cron expression that is not valid, naming the job', () => {
    open();
    expect(() => start(new ManualClock(), { SYNC_HEARTBEAT_CRON: 'every minute' })).toThrow(/heartbeat.*not valid/);
  });

  it('runs a job on its cron tick', async () => {
    open();
    const r = start(new ManualClock(), { SYNC_HEARTBEAT_CRON: '* * * * * *' });
    for (let i = 0; i < 250 && r.stats().heartbeat!.runs === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(r.stats().heartbeat!.runs).toBeGreaterThanOrEqual(1);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE type = 'kiosk.heartbeat'").pluck().get()).toBeGreaterThanOrEqual(1);
  });
});
