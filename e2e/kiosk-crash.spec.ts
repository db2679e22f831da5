import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../scripts/system';
import { answerOnPhone, startCashOut } from './support/phone';

/**
 * The whole kiosk process is killed (SIGKILL) in the middle of a payout (issue 3 "Crash tests", at the
 * system level): the hopper keeps paying on its own, the kiosk restarts (like systemd), settles the
 * in-doubt intent from the hopper's counters and never sends the dispense command again. Afterwards the
 * hopper's own count, the kiosk's journal and the cloud all say the same number of coins.
 */
let system: RunningSystem;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'roluatm-e2e-crash-'));
  system = await startSystem({ dataDir, coinsLoaded: 100, hopper: { coinsPerSecond: 8 } });
});

test.afterAll(async () => {
  await system?.stop();
});

test('a kiosk killed mid-payout settles from the hopper counters after restart and pays each coin once', async ({ page, context }) => {
  await page.goto(system.kioskUrl);
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { approve: 'person-crash' });
  await expect.poll(() => system.hopper.sim.coinsOut, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  expect(system.hopper.sim.coinsOut).toBeLessThan(20);

  await system.restartKiosk('SIGKILL');

  await expect.poll(() => kioskTransaction(dataDir), { timeout: 60_000 }).toEqual({ status: 'completed', coins_paid: 20 });
  expect(system.hopper.sim.coinsOut).toBe(20);
  expect(system.hopper.sim.dispenseLog).toEqual([20]);

  await expect
    .poll(async () => {
      const res = await fetch(`${system.cloudUrl}/v1/fleet/transactions`, { headers: { authorization: `Bearer ${system.operatorToken}` } });
      const body = (await res.json()) as { transactions: { status: string; coins_paid: number | null }[] };
      return body.transactions.map((t) => ({ status: t.status, coins_paid: t.coins_paid }));
    }, { timeout: 30_000 })
    .toEqual([{ status: 'completed', coins_paid: 20 }]);

  await page.goto(system.kioskUrl);
  await expect(page.getByTestId('screen-done').or(page.getByTestId('screen-idle'))).toBeVisible();
});

function kioskTransaction(dir: string): { status: string; coins_paid: number | null } | undefined {
  const db = new Database(join(dir, 'kiosk', 'kiosk.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT status, coins_paid FROM transactions').get() as { status: string; coins_paid: number | null } | undefined;
  } finally {
    db.close();
  }
}
