import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDb, type TestDb } from '../testing/test-db';

/** Resolves with the next payload on `channel`, or rejects after `ms`. */
async function nextPayload(t: TestDb, channel: string, ms = 3000): Promise<{ payload: Promise<string>; off: () => Promise<void> }> {
  let resolve!: (p: string) => void;
  const payload = new Promise<string>((res, rej) => {
    resolve = res;
    setTimeout(() => rej(new Error(`no notification on ${channel} within ${ms} ms`)), ms).unref();
  });
  const off = await t.db.listen!(channel, (p) => resolve(p));
  return { payload, off };
}

describe.each(BACKENDS)('database adapter (%s)', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(backend, { migrated: false });
    await t.db.exec('CREATE TABLE counter (n integer NOT NULL)');
  });
  afterAll(() => t.dispose());

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await t.db.tx((q) => q.query('INSERT INTO counter (n) VALUES (1)'));
    await expect(
      t.db.tx(async (q) => {
        await q.query('INSERT INTO counter (n) VALUES (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows, rowCount } = await t.db.query<{ n: number }>('SELECT n FROM counter');
    expect(rows).toEqual([{ n: 1 }]);
    expect(rowCount).toBe(1);
  });

  it('reports affected rows for updates', async () => {
    const r = await t.db.query('UPDATE counter SET n = n + 1');
    expect(r.rowCount).toBe(1);
  });

  it('delivers a NOTIFY sent inside a transaction at commit, and none for a rolled-back one', async () => {
    const rolled = await nextPayload(t, 'adapter_test_rb', 500);
    await t.db.tx(async (q) => {
      await q.query("SELECT pg_notify('adapter_test_rb', 'never')");
      throw new Error('roll back');
    }).catch(() => undefined);
    await expect(rolled.payload).rejects.toThrow(/no notification/);
    await rolled.off();

    const committed = await nextPayload(t, 'adapter_test_ok');
    await t.db.tx((q) => q.query("SELECT pg_notify('adapter_test_ok', 'kiosk-1')"));
    expect(await committed.payload).toBe('kiosk-1');
    await committed.off();
  });

  it('serializes concurrent transactions so increments are never lost', async () => {
    await Promise.all(
      Array.from({ length: 10 }, () =>
        t.db.tx(async (q) => {
          const { rows } = await q.query<{ n: number }>('SELECT n FROM counter FOR UPDATE');
          await q.query('UPDATE counter SET n = $1', [(rows[0]?.n ?? 0) + 1]);
        }),
      ),
    );
    const { rows } = await t.db.query<{ n: number }>('SELECT n FROM counter');
    expect(rows[0]?.n).toBe(12);
  });

  if (backend === 'pg') {
    it('keeps listening after its LISTEN connection is killed', async () => {
      const first = await nextPayload(t, 'adapter_test_reconnect');
      await t.db.notify('adapter_test_reconnect', 'one');
      expect(await first.payload).toBe('one');
      await first.off();
      await t.db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`,
      );
      const second = await nextPayload(t, 'adapter_test_reconnect', 5000);
      // Notify until the reconnected listener hears it (reconnect takes about a second).
      let heard = false;
      second.payload.then(() => (heard = true), () => undefined);
      for (let i = 0; i < 40 && !heard; i++) {
        await t.db.notify('adapter_test_reconnect', 'two');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await second.payload).toBe('two');
    });

    it('LISTENs on DATABASE_LISTEN_URL (a session connection behind a transaction pooler) and applies the pool statement_timeout', async () => {
      const listenUrl = new URL(t.url!);
      listenUrl.searchParams.set('application_name', 'roluatm-listen-test');
      const db = await t.reopen!({ listenUrl: listenUrl.toString(), statementTimeoutMs: 1234 });
      const heard = new Promise<string>((resolve) => void db.listen!('adapter_test_listen_url', resolve));
      await new Promise((r) => setTimeout(r, 100));
      await db.notify('adapter_test_listen_url', 'via-listen-url');
      expect(await heard).toBe('via-listen-url');
      const { rows } = await t.db.query<{ application_name: string }>(
        `SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
      );
      expect(rows.map((r) => r.application_name)).toContain('roluatm-listen-test');
      expect((await db.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]?.statement_timeout).toBe('1234ms');
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    });

    it('runs parameterized statements as named prepared statements, survives a schema change under them, and can be told not to (issue 18)', async () => {
      const db = await t.reopen!({ poolMax: 1 });
      await db.exec('CREATE TABLE prepared_probe (id int PRIMARY KEY, a text)');
      await db.query('INSERT INTO prepared_probe (id, a) VALUES ($1, $2)', [1, 'one']);
      const probe = 'SELECT * FROM prepared_probe WHERE id = $1';
      expect((await db.query(probe, [1])).rows).toEqual([{ id: 1, a: 'one' }]);
      expect((await db.query(probe, [1])).rows).toEqual([{ id: 1, a: 'one' }]);
      const named = async (d: typeof db) =>
        (await d.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1', [probe])).rows[0]?.n;
      expect(await named(db)).toBe(1); // prepared once on this connection, used twice
      // Another instance migrates: the prepared plan's result type changed; the statement is prepared again.
      await t.db.exec('ALTER TABLE prepared_probe ADD COLUMN b text');
      expect((await db.query(probe, [1])).rows).toEqual([{ id: 1, a: 'one', b: null }]);
      const plain = await t.reopen!({ poolMax: 1, prepared: false });
      expect((await plain.query(probe, [1])).rows).toHaveLength(1);
      expect(await named(plain)).toBe(0);
    });
  }
});
