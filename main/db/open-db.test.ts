import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { listMigrations, migrate, openKioskDb } from './open-db';

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

  it('003 rebuilds transactions with kind: old rows become cash_out, their jobs keep their foreign key, a claim may start at 0', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const m of listMigrations().filter((x) => x.id < 3)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.id, m.name, 'x');
    }
    db.prepare("INSERT INTO transactions (id, amount_cents, fee_cents, total_cents, coins, status, created_at, updated_at) VALUES ('t', 500, 10, 510, 20, 'paid', 'x', 'x')").run();
    db.prepare("INSERT INTO dispense_jobs (id, transaction_id, coins, expires_at, signature, status, received_at) VALUES ('j', 't', 20, 'x', 's', 'received', 'x')").run();
    expect(migrate(db)).toContain(3);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare("SELECT kind, amount_cents, fee_cents, status FROM transactions WHERE id = 't'").get()).toEqual({ kind: 'cash_out', amount_cents: 500, fee_cents: 10, status: 'paid' });
    const job = db.prepare("INSERT INTO dispense_jobs (id, transaction_id, coins, expires_at, signature, status, received_at) VALUES ('j2', ?, 20, 'x', 's', 'received', 'x')");
    expect(() => job.run('nope')).toThrow(/FOREIGN KEY/);
    const insert = db.prepare('INSERT INTO transactions (id, kind, amount_cents, fee_cents, total_cents, coins, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, \'created\', \'x\', \'x\')');
    expect(insert.run('c', 'claim', 0, 0, 0, 0).changes).toBe(1);
    expect(() => insert.run('z', 'cash_out', 0, 0, 0, 0)).toThrow(/CHECK/);
    expect(() => insert.run('f', 'claim', 500, 10, 510, 20)).toThrow(/CHECK/);
    db.close();
  });
});
