import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOperator } from '../cloud-api/src/db/operators';
import { verifyPassword } from '../cloud-api/src/operators/password';
import { openTestDb } from '../cloud-api/src/testing/test-db';
import { DEMO_OPERATOR_EMAIL, ensureDemoOperator } from './demo-operator';
import { startBanner } from './start-banner';

/** Issue 17: `npm start` creates one console admin account and prints the console URL with its credentials, the same on every start. */
describe('the demo console account', () => {
  it('is created once with a password that logs in, kept for the next start, and printed in the banner', async () => {
    const tdb = await openTestDb('pglite');
    const file = join(mkdtempSync(join(tmpdir(), 'demo-operator-')), 'demo-operator.json');
    try {
      const first = await ensureDemoOperator(tdb.db, file, new Date());
      const again = await ensureDemoOperator(tdb.db, file, new Date());
      expect(again).toEqual(first);
      const row = await findOperator(tdb.db, DEMO_OPERATOR_EMAIL);
      expect(row?.role).toBe('admin');
      expect(await verifyPassword(first.password, row?.password_hash ?? '')).toBe(true);
      const banner = startBanner({
        kioskLine: 'k', phoneUrl: 'p', cloudUrl: 'http://127.0.0.1:1', operatorToken: 't', adminPin: '1', dataDir: 'd',
        consoleUrl: 'http://127.0.0.1:1/console/', consoleOperator: first,
      });
      expect(banner).toContain(`Console:         http://127.0.0.1:1/console/   log in as ${DEMO_OPERATOR_EMAIL} / ${first.password}`);
    } finally {
      await tdb.dispose();
    }
  });
});
