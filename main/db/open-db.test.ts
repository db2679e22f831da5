import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openKioskDb } from './open-db';

describe('openKioskDb', () => {
  it('applies every migration once and sets the durability pragmas', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kdb-')), 'kiosk.sqlite');
    const db = openKioskDb(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['transactions', 'dispense_jobs', 'events', 'outbox', 'payout_intents', 'hopper_inventory']));
    expect(migrate(db)).toEqual([]);
    db.close();
    const again = openKioskDb(path);
    expect(again.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBeGreaterThan(0);
    again.close();
  });

  it('refuses a transaction whose coins do not match its amount', () => {
    const db = openKioskDb(':memory:');
    const insert = db.prepare(
      "INSERT INTO transactions (id, amount_cents, fee_cents, total_cents, coins, status, created_at, updated_at) VALUES ('t', 500, 0, 500, ?, 'created', 'x', 'x')",
    );
    expect(() => insert.run(19)).toThrow(/CHECK/);
    expect(insert.run(20).changes).toBe(1);
  });
});
