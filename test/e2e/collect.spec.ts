import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type ExtraKiosk, type RunningSystem } from '../../scripts/system';
import { answerOnPhone, startCashOut } from './support/phone';
import { checkScreen } from './support/screen-check';

/**
 * Issue 15, "Collect coins you are owed", end to end in Chromium against the real system: a partial payout
 * (kiosk A's hopper runs empty) leaves the customer an open credit; the same person collects the rest at a
 * SECOND kiosk; the coins out of both hoppers add up to the coins ordered and the credit ends collected. A
 * person owed nothing sees a plain message and no job is made.
 */
let system: RunningSystem;
let second: ExtraKiosk;
// Heartbeats every 2 s: the cloud caps a claim by what the kiosk last reported holding.
const FAST_HEARTBEAT = { SYNC_HEARTBEAT_CRON: '*/2 * * * * *' };

test.beforeAll(async () => {
  system = await startSystem({
    dataDir: mkdtempSync(join(tmpdir(), 'roluatm-e2e-collect-')),
    coinsLoaded: 400,
    // Kiosk A believes it holds 400 coins; its bowl has 8: a $5 cash-out (20 coins) runs empty after 8.
    hopper: { coinsPerSecond: 50, inventory: 8, lowLevel: 0 },
    kioskEnv: FAST_HEARTBEAT,
  });
  second = await system.addKiosk({ name: 'second-kiosk', coinsLoaded: 400, hopper: { coinsPerSecond: 50 }, kioskEnv: FAST_HEARTBEAT });
});

test.afterAll(async () => {
  await system?.stop();
});

interface CreditItem { transaction_id: string; reason: string; coins: number; coins_collected: number; state: string }
const fleet = async <T,>(path: string): Promise<T> => {
  const res = await fetch(`${system.cloudUrl}${path}`, { headers: { authorization: `Bearer ${system.operatorToken}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};
const credits = async () => (await fleet<{ items: CreditItem[] }>('/v1/fleet/credits?limit=500')).items;
const fleetTransactions = async () => (await fleet<{ items: { id: string; status: string; coins_paid: number | null }[] }>('/v1/fleet/transactions?limit=200')).items;

async function collectAt(page: Page, context: BrowserContext, identity: string): Promise<void> {
  // "Collect coins you are owed" is on the welcome screen (issue 16).
  await expect(page.getByTestId('screen-welcome')).toBeVisible();
  await page.getByTestId('collect').click();
  await expect(page.getByTestId('screen-scan')).toBeVisible();
  await checkScreen(page, 'collect-scan');
  await answerOnPhone(page, context, system.phoneUrl, { approve: identity });
}

test('a partial payout is collected at a second kiosk: both hoppers add up to the coins ordered, the credit ends collected', async ({ page, context }) => {
  const identity = `collect-${test.info().project.name}`;
  await page.goto(system.kioskUrl);
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { approve: identity });
  const short = page.getByTestId('screen-error');
  await expect(short).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('coins-owed')).toContainText('12');
  await expect(page.getByTestId('coins-owed')).toContainText('$3.00');
  await expect(short).toContainText(/any RoluATM/);
  await expect(page.getByTestId('receipt-code')).toHaveText(/^[0-9A-F]{8}$/);
  await checkScreen(page, 'partial-payout-owed');
  expect(system.hopper.sim.coinsOut).toBe(8);
  await expect.poll(async () => (await credits()).filter((c) => c.state === 'open').map((c) => [c.reason, c.coins]), { timeout: 20_000 }).toEqual([['partial_payout', 12]]);
  const source = (await credits())[0]!;

  const other = await context.newPage();
  await other.goto(second.kioskUrl);
  await collectAt(other, context, identity);
  await expect(other.getByTestId('screen-done')).toBeVisible({ timeout: 30_000 });
  await expect(other.getByTestId('coins-paid')).toHaveText('12');
  await checkScreen(other, 'collect-done');
  expect(second.hopper.sim.coinsOut).toBe(12);
  expect(system.hopper.sim.coinsOut + second.hopper.sim.coinsOut).toBe(20);
  await expect.poll(async () => (await credits()).find((c) => c.transaction_id === source.transaction_id), { timeout: 20_000 })
    .toMatchObject({ state: 'collected', coins: 12, coins_collected: 12 });
  await other.getByTestId('dismiss').click();
  await expect(other.getByTestId('screen-welcome')).toBeVisible();
});

test('collect with nothing owed: a plain message, no job, no coin', async ({ page, context }) => {
  await page.goto(second.kioskUrl);
  const before = { out: second.hopper.sim.coinsOut, txs: new Set((await fleetTransactions()).map((t) => t.id)) };
  await collectAt(page, context, `owes-nothing-${test.info().project.name}`);
  await expect(page.getByTestId('screen-nothing_owed')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('screen-nothing_owed')).toContainText('No coins are owed');
  await checkScreen(page, 'nothing-owed');
  // The claim ends refused in the cloud, with no job and nothing paid.
  const claims = (await fleetTransactions()).filter((t) => !before.txs.has(t.id));
  expect(claims.map((t) => [t.status, t.coins_paid ?? 0])).toEqual([['refused', 0]]);
  await page.waitForTimeout(1500);
  expect(second.hopper.sim.coinsOut).toBe(before.out);
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('screen-welcome')).toBeVisible();
});
