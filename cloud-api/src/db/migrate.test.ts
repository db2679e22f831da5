import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from './migrate';
import { BACKENDS, openTestDb, type TestDb } from '../testing/test-db';

describe.each(BACKENDS)('migrations (%s)', (backend) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('applies every numbered migration once and records it', async () => {
    t = await openTestDb(backend, { migrated: false });
    const ids = listMigrations().map((m) => m.id);
    expect(ids[0]).toBe(1);
    expect(await migrate(t.db)).toEqual(ids);
    expect(await migrate(t.db)).toEqual([]);
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(ids);
  });

  it('rolls back a failing migration together with its record', async () => {
    t = await openTestDb(backend, { migrated: false });
    const bad = [...listMigrations(), { id: 999, name: '999_bad.sql', sql: 'CREATE TABLE x (a int); SELECT no_such_function();' }];
    await expect(migrate(t.db, bad)).rejects.toThrow();
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('schema_migrations','kiosks','x')");
    expect(rows[0]?.n).toBe(0);
  });

  it('enforces money and state rules in the schema itself', async () => {
    t = await openTestDb(backend);
    await t.db.query("INSERT INTO kiosks (id, name, token_hash, created_at) VALUES ('00000000-0000-7000-8000-000000000001', 'k', 'h', now())");
    const insert = (total: number, status: string) =>
      t!.db.query(
        `INSERT INTO transactions (id, kiosk_id, amount_cents, fee_cents, total_cents, coins, status, payment_reference, rp_nonce, rp_context, created_at, expires_at, updated_at)
         VALUES (gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 500, 10, $1, 20, $2, md5(random()::text), 'n', '{}', now(), now(), now())`,
        [total, status],
      );
    await expect(insert(500, 'created')).rejects.toThrow();
    await expect(insert(510, 'teleported')).rejects.toThrow();
    await expect(insert(510, 'created')).resolves.toBeDefined();
  });

  if (backend === 'pg') {
    it('lets two instances migrate at the same time with each migration applied once', async () => {
      t = await openTestDb(backend, { migrated: false });
      const second = await t.reopen!();
      const [a, b] = await Promise.all([migrate(t.db), migrate(second)]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(listMigrations().map((m) => m.id));
    });
  }
});
