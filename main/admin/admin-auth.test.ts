import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ManualClock } from '../../contract/clock';
import { getPinHash, getPinLockout } from '../db/admin-state';
import type { KioskDb } from '../db/open-db';
import { realTimers } from '../sync/backoff';
import { AdminAuth, lockoutSeconds, seedAdminPin } from './admin-auth';
import { adminRows, tmpKioskDbFile } from './testing/tmp-db';

const log = pino({ level: 'silent' });
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function setup(clock = new ManualClock()) {
  const file = tmpKioskDbFile();
  const dbs: KioskDb[] = [];
  const authOn = (db: KioskDb) => {
    const auth = new AdminAuth({ db, clock, log, timers: realTimers, sessionSec: 300, onChange: () => changes.push(auth.isOpen()) });
    cleanups.push(() => auth.stop());
    return auth;
  };
  const changes: boolean[] = [];
  const open = () => {
    const db = file.open();
    dbs.push(db);
    return db;
  };
  cleanups.push(() => file.dispose(), () => dbs.forEach((d) => d.open && d.close()));
  return { clock, open, authOn, changes };
}

async function wrongTimes(auth: AdminAuth, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await auth.unlock('0000'));
  return out;
}

describe('admin PIN and session', () => {
  it('stores the configured PIN only as a salted scrypt hash, and only on the first start', async () => {
    const s = setup();
    const db = s.open();
    expect(await seedAdminPin(db, s.clock, '2468')).toBe(true);
    const stored = getPinHash(db)!;
    expect(stored).toMatchObject({ algo: 'scrypt', N: 16384, r: 8, p: 1 });
    expect(JSON.stringify(stored)).not.toContain('2468');
    expect(await seedAdminPin(db, s.clock, '1357')).toBe(false);
    const auth = s.authOn(db);
    expect((await auth.unlock('1357')).ok).toBe(false);
    expect((await auth.unlock('2468')).ok).toBe(true);
    expect(adminRows(db).events.map((e) => e.type)).toEqual(['admin.pin_set', 'admin.pin_wrong', 'admin.unlock']);
  });

  it('refuses every unlock with pin_not_set while no PIN was ever set', async () => {
    const s = setup();
    const db = s.open();
    expect(await seedAdminPin(db, s.clock, null)).toBe(false);
    const r = await s.authOn(db).unlock('2468');
    expect(r).toMatchObject({ ok: false, error: { code: 'pin_not_set', message: expect.stringMatching(/ADMIN_PIN/) } });
  });

  it('says how many tries are left, then locks out for 30 s after the fifth wrong PIN', async () => {
    const s = setup();
    const db = s.open();
    await seedAdminPin(db, s.clock, '2468');
    const auth = s.authOn(db);
    const results = await wrongTimes(auth, 5);
    expect(results.slice(0, 4).map((r) => !r.ok && r.error.message)).toEqual([
      expect.stringMatching(/4 tries left/), expect.stringMatching(/3 tries left/), expect.stringMatching(/2 tries left/), expect.stringMatching(/1 try left/),
    ]);
    expect(results[4]).toMatchObject({ ok: false, error: { code: 'locked_out', message: expect.stringMatching(/in 30 s/) } });
    expect(await auth.unlock('2468')).toMatchObject({ ok: false, error: { code: 'locked_out' } });
    s.clock.advance(30_000);
    expect((await auth.unlock('2468')).ok).toBe(true);
    expect(getPinLockout(db)).toEqual({ failures: 0, lockouts: 0, locked_until: null });
  });

  it('keeps the wrong-try count and a growing lockout across a restart (reopened database)', async () => {
    const s = setup();
    let db = s.open();
    await seedAdminPin(db, s.clock, '2468');
    await wrongTimes(s.authOn(db), 3);
    db.close();
    db = s.open();
    let auth = s.authOn(db);
    const two = await wrongTimes(auth, 2);
    expect(two[1]).toMatchObject({ error: { code: 'locked_out', message: expect.stringMatching(/in 30 s/) } });
    s.clock.advance(30_000);
    db.close();
    db = s.open();
    auth = s.authOn(db);
    const five = await wrongTimes(auth, 5);
    expect(five[4]).toMatchObject({ error: { code: 'locked_out', message: expect.stringMatching(/in 60 s/) } });
    db.close();
    db = s.open();
    expect(await s.authOn(db).unlock('2468')).toMatchObject({ error: { code: 'locked_out' } });
    expect(getPinLockout(db)).toMatchObject({ lockouts: 2, failures: 0 });
    expect([1, 2, 3, 4, 10].map(lockoutSeconds)).toEqual([30, 60, 120, 240, 3600]);
  });

  it('closes the session after the idle time and keeps it open while commands come', async () => {
    const s = setup();
    const db = s.open();
    await seedAdminPin(db, s.clock, '2468');
    const auth = s.authOn(db);
    const r = await auth.unlock('2468');
    expect(r).toMatchObject({ ok: true, value: { expires_at: new Date(s.clock.now().getTime() + 300_000).toISOString() } });
    expect(s.changes).toEqual([true]);
    s.clock.advance(200_000);
    expect(auth.touch()).toBe(true);
    s.clock.advance(200_000);
    expect(auth.isOpen()).toBe(true);
    s.clock.advance(100_001);
    expect(auth.isOpen()).toBe(false);
    expect(auth.touch()).toBe(false);
    expect(s.changes).toEqual([true, false]);
  });

  it('changes the PIN: the old one stops working and the change is audited without the PIN', async () => {
    const s = setup();
    const db = s.open();
    await seedAdminPin(db, s.clock, '2468');
    const auth = s.authOn(db);
    await auth.changePin('97531');
    expect((await auth.unlock('2468')).ok).toBe(false);
    expect((await auth.unlock('97531')).ok).toBe(true);
    const rows = adminRows(db);
    expect(rows.events.map((e) => e.type)).toContain('admin.pin_changed');
    expect(JSON.stringify(rows)).not.toMatch(/(?<![\w-])(97531|2468)(?![\w-])/);
  });
});
