import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { checkScreen } from './support/screen-check';
import { toAmountScreen } from './support/phone';

/**
 * Issue 15, the presence rule, against the real system (PAYMENT_MODE=world_app): the pay screen counts
 * down and offers Cancel; when it times out the session ends, and a payment made afterwards — while the
 * next customer is on the QR — moves no coin and leaves the next customer's session alone.
 */
let system: RunningSystem;

test.beforeAll(async () => {
  system = await startSystem({
    dataDir: mkdtempSync(join(tmpdir(), 'roluatm-e2e-presence-')),
    paymentMode: 'world_app',
    hopper: { coinsPerSecond: 50 },
    kioskEnv: { PAYMENT_TIMEOUT_SEC: '6' },
  });
});

test.afterAll(async () => {
  await system?.stop();
});

/** The cloud's credits ledger through the fleet API (issue 15): what each customer is owed. */
const fleetCredits = async () => {
  const res = await fetch(`${system.cloudUrl}/v1/fleet/credits?limit=500`, { headers: { authorization: `Bearer ${system.operatorToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { transaction_id: string; reason: string; coins: number; amount_cents: number; state: string }[] }).items;
};
const creditOf = async (txId: string) => (await fleetCredits()).filter((c) => c.transaction_id === txId).map(({ reason, coins, amount_cents, state }) => ({ reason, coins, amount_cents, state }));

const fleetTransactions = async () => {
  const res = await fetch(`${system.cloudUrl}/v1/fleet/transactions`, { headers: { authorization: `Bearer ${system.operatorToken}` } });
  return ((await res.json()) as { items: { id: string; status: string; coins_paid: number | null }[] }).items;
};

test('a payment after the pay screen timed out pays nothing while the next customer is on the QR', async ({ page, context }) => {
  await page.goto(system.kioskUrl);
  await toAmountScreen(page);
  await page.getByTestId('preset-500').click();
  await page.getByTestId('cash-out').click();
  const connectorUri = await page.getByTestId('qr').getAttribute('data-connector-uri');
  const phone = await context.newPage();
  await phone.goto(`${system.phoneUrl}?uri=${encodeURIComponent(connectorUri!)}`);
  await phone.locator('input[name="identity"]').fill(`presence-${test.info().project.name}`);
  await phone.getByRole('button', { name: /approve/i }).click();
  await expect(phone.locator('#outcome')).toContainText('Approved');

  // The pay screen: a countdown and Cancel.
  await expect(page.getByTestId('screen-waiting_payment')).toBeVisible();
  await expect(page.getByTestId('countdown')).toContainText(/Time left to pay: 0:0\d/);
  await expect(page.getByTestId('cancel')).toBeVisible();
  await checkScreen(page, 'waiting-payment-countdown');

  // Not paid in time: the session ends; the screen no longer promises coins.
  await expect(page.getByTestId('screen-error')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('screen-error')).not.toContainText(/stay here/i);
  await expect(page.getByTestId('screen-error')).toContainText(/owed to you/);
  await expect.poll(async () => (await fleetTransactions()).map((t) => t.status), { timeout: 15_000 }).toEqual(['expired']);
  const firstId = (await fleetTransactions())[0]!.id;
  await page.getByTestId('dismiss').click();

  // The next customer starts on the welcome and picks $10 and is on the QR when the first customer's payment goes through.
  await toAmountScreen(page);
  await page.getByTestId('preset-1000').click();
  await page.getByTestId('cash-out').click();
  await expect(page.getByTestId('qr')).toBeVisible();
  const nextUri = await page.getByTestId('qr').getAttribute('data-connector-uri');
  await phone.getByRole('button', { name: /^pay$/i }).click();
  await expect(phone.locator('#outcome')).toBeVisible();

  await page.waitForTimeout(3000);
  expect(system.hopper.sim.coinsOut).toBe(0);
  await expect(page.getByTestId('screen-scan')).toBeVisible();
  expect(await page.getByTestId('qr').getAttribute('data-connector-uri')).toBe(nextUri);
  const txs = await fleetTransactions();
  expect(txs.map((t) => t.status).sort()).toEqual(['created', 'expired']);
  expect(txs.every((t) => (t.coins_paid ?? 0) === 0)).toBe(true);
  // Issue 15: the first customer is owed the full amount, as one open credit.
  await expect.poll(() => creditOf(firstId), { timeout: 15_000 }).toEqual([{ reason: 'late_payment', coins: 20, amount_cents: 500, state: 'open' }]);
  expect(system.hopper.sim.coinsOut).toBe(0);
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('screen-idle')).toBeVisible();
});

test('Cancel on the pay screen ends the session; paying afterwards moves no coin on the idle kiosk and is owed in full', async ({ page, context }) => {
  const earlier = new Set((await fleetTransactions()).map((t) => t.id));
  await page.goto(system.kioskUrl);
  await toAmountScreen(page);
  await page.getByTestId('preset-500').click();
  await page.getByTestId('cash-out').click();
  const uri = await page.getByTestId('qr').getAttribute('data-connector-uri');
  const phone = await context.newPage();
  await phone.goto(`${system.phoneUrl}?uri=${encodeURIComponent(uri!)}`);
  await phone.locator('input[name="identity"]').fill(`presence-cancel-${test.info().project.name}`);
  await phone.getByRole('button', { name: /approve/i }).click();
  await expect(page.getByTestId('screen-waiting_payment')).toBeVisible();
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('screen-idle')).toBeVisible();
  const txId = (await fleetTransactions()).find((t) => !earlier.has(t.id))?.id ?? '';
  await expect.poll(async () => (await fleetTransactions()).find((t) => t.id === txId)?.status, { timeout: 15_000 }).toBe('cancelled');
  // Issue 15: the customer pays anyway, after the session ended: no coin, the idle screen stays, a credit.
  const coinsBefore = system.hopper.sim.coinsOut;
  await phone.getByRole('button', { name: /^pay$/i }).click();
  await expect(phone.locator('#outcome')).toBeVisible();
  await expect.poll(() => creditOf(txId), { timeout: 15_000 }).toEqual([{ reason: 'cancelled_after_payment', coins: 20, amount_cents: 500, state: 'open' }]);
  await page.waitForTimeout(2000);
  expect(system.hopper.sim.coinsOut).toBe(coinsBefore);
  await expect(page.getByTestId('screen-idle')).toBeVisible();
});
