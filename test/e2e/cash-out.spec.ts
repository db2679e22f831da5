import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { createScratchDatabase } from '../../cloud-api/src/testing/test-db';
import { toAmountScreen } from './support/phone';

/**
 * The first real cash-out, end to end (issue "The foundation…"): every part is real — the cloud API
 * (Postgres when DATABASE_URL is set, else PGlite), the kiosk core as its own process, the real
 * serialport on a pty against the hopper simulator, the real idkit-core against the bridge, the
 * simulated phone page, and the kiosk screens in Chromium.
 */
let system: RunningSystem;
let dataDir: string;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'roluatm-e2e-'));
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL, 'roluatm_e2e');
  system = await startSystem({ dataDir, databaseUrl: scratch?.url, hopper: { coinsPerSecond: 50 } });
});

test.afterAll(async () => {
  await system?.stop();
  await scratch?.drop();
});

test('a $5 cash-out pays exactly 20 quarters and the cloud records the same coins as the kiosk', async ({ page, context }) => {
  await page.goto(system.kioskUrl);
  await toAmountScreen(page);
  await page.getByTestId('preset-500').click();
  await page.getByTestId('cash-out').click();

  const qr = page.getByTestId('qr');
  await expect(qr).toBeVisible();
  const connectorUri = await qr.getAttribute('data-connector-uri');
  expect(connectorUri).toMatch(/^https:\/\/(staging\.)?world\.org\/verify\?/);
  await page.screenshot({ path: test.info().outputPath('scan-800x480.png') });

  const phone = await context.newPage();
  await phone.goto(`${system.phoneUrl}?uri=${encodeURIComponent(connectorUri!)}`);
  await phone.getByRole('button', { name: /approve/i }).click();

  await expect(page.getByTestId('screen-done')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('coins-paid')).toHaveText('20');
  await page.screenshot({ path: test.info().outputPath('done-800x480.png') });
  expect(system.hopper.sim.coinsOut).toBe(20);

  const kioskDb = new Database(join(dataDir, 'kiosk', 'kiosk.sqlite'), { readonly: true });
  const local = kioskDb.prepare('SELECT id, status, coins_paid FROM transactions').all() as { id: string; status: string; coins_paid: number }[];
  kioskDb.close();
  expect(local).toHaveLength(1);
  expect(local[0]).toMatchObject({ status: 'completed', coins_paid: 20 });

  await expect
    .poll(async () => {
      const res = await fetch(`${system.cloudUrl}/v1/fleet/transactions`, { headers: { authorization: `Bearer ${system.operatorToken}` } });
      const body = (await res.json()) as { items: { id: string; status: string; coins_paid: number | null }[] };
      return body.items.map((t) => ({ id: t.id, status: t.status, coins_paid: t.coins_paid }));
    }, { timeout: 30_000 })
    .toEqual([{ id: local[0]!.id, status: 'completed', coins_paid: 20 }]);
});
