import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { answerOnPhone, backToStart, startCashOut, startScreen } from './support/phone';
import { checkScreen } from './support/screen-check';

/**
 * The customer paths of issue 6 against the real system (cloud, simulators, hopper on a pty, kiosk
 * process). One system for the file; each test starts from the amount screen. The hopper holds 100
 * quarters ($25), QR codes expire after 10 s, done/error screens return to the start after 5 s, and
 * one person may cash out once a day, so every test approves as its own person.
 */
let system: RunningSystem;

test.beforeAll(async () => {
  system = await startSystem({
    dataDir: mkdtempSync(join(tmpdir(), 'roluatm-e2e-flow-')),
    coinsLoaded: 100,
    hopper: { coinsPerSecond: 8 },
    kioskEnv: { QR_TIMEOUT_SEC: '10', IDLE_TIMEOUT_SEC: '5' },
    cloudEnv: { PER_HUMAN_DAILY_COUNT: '1' },
  });
});

test.afterAll(async () => {
  await system?.stop();
});

test.beforeEach(async ({ page }) => {
  await page.goto(system.kioskUrl);
  await backToStart(page);
});

test('the amount screen quotes presets and keypad amounts and refuses more than the hopper holds', { tag: '@smoke' }, async ({ page }) => {
  await checkScreen(page, 'amount-empty');
  await page.getByTestId('preset-1000').click();
  await expect(page.getByTestId('quote-coins')).toHaveText('40');
  // PAYMENT_MODE=none, as the cloud told the kiosk: nobody pays, so the screen never says "You pay" (issue 14).
  await expect(page.getByTestId('quote-total')).toHaveText('Free — paid by the operator');
  await expect(page.getByTestId('quote')).not.toContainText('You pay');
  await checkScreen(page, 'amount-preset');
  for (const key of ['clear', '3', '0']) await page.getByTestId(`key-${key}`).click();
  await expect(page.getByTestId('amount-entered')).toHaveText('$30.00');
  await expect(page.getByTestId('amount-refusal')).toContainText('only 100 quarters');
  await expect(page.getByTestId('cash-out')).toBeDisabled();
  await checkScreen(page, 'amount-refused');
  await page.getByTestId('key-delete').click();
  await expect(page.getByTestId('amount-entered')).toHaveText('$3.00');
  await expect(page.getByTestId('quote-coins')).toHaveText('12');
});

test('the amount screen switches to Spanish and back', { tag: '@smoke' }, async ({ page }) => {
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('#amount-title')).toContainText('monedas');
  await checkScreen(page, 'amount-es');
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('#amount-title')).toContainText('quarters');
});

test('the QR screen counts down and Cancel goes back to the start', { tag: '@smoke' }, async ({ page }) => {
  await startCashOut(page, 500);
  await expect(page.getByTestId('qr')).toBeVisible();
  await expect(page.getByTestId('screen-scan')).toContainText('scan this code to confirm you are a unique human.');
  await expect(page.getByTestId('screen-scan')).not.toContainText(/then pay|You pay/);
  const first = await page.getByTestId('countdown').textContent();
  await expect(page.getByTestId('countdown')).not.toHaveText(first ?? '');
  await expect(page.getByTestId('countdown')).toContainText('0:0');
  await checkScreen(page, 'scan');
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('screen-idle')).toBeVisible();
});

test('an unscanned QR code times out into an error, and the kiosk returns to the start by itself', async ({ page }) => {
  await startCashOut(page, 500);
  await expect(page.getByTestId('qr')).toBeVisible();
  await expect(page.getByTestId('screen-error')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('screen-error')).toHaveAttribute('data-error-code', 'timeout');
  await checkScreen(page, 'error-timeout');
  // Back to the welcome by itself, for the next customer (issue 16).
  await expect(page.getByTestId('screen-welcome')).toBeVisible({ timeout: 15_000 });
});

test('a verification declined on the phone shows a plain refusal with the next step', async ({ page, context }) => {
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { reject: 'verification_rejected' });
  await expect(page.getByTestId('screen-error')).toBeVisible();
  await expect(page.locator('#error-title')).toHaveText('Cash-out cancelled');
  await expect(page.getByRole('alert')).toContainText('Nothing was charged');
  await checkScreen(page, 'error-refused');
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('#error-title')).toHaveText('Retiro cancelado');
  await checkScreen(page, 'error-refused-es');
});

test('a cash-out counts the coins while dispensing and ends on the done screen with a receipt code', { tag: '@smoke' }, async ({ page, context }) => {
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { approve: 'person-done' });
  await expect(page.getByTestId('screen-dispensing')).toBeVisible();
  const seen = new Set<string>();
  await expect
    .poll(async () => {
      seen.add((await page.getByTestId('coins-paid').textContent()) ?? '');
      return seen.size;
    }, { timeout: 10_000, intervals: [100] })
    .toBeGreaterThan(2);
  await checkScreen(page, 'dispensing');
  await expect(page.getByTestId('screen-done')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('coins-paid')).toHaveText('20');
  await expect(page.getByTestId('receipt-code')).toHaveText(/^[0-9A-F]{8}$/);
  await checkScreen(page, 'done');
});

test('the same person cashing out a second time in a day is told the limit is reached', async ({ page, context }) => {
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { approve: 'person-limit' });
  await expect(page.getByTestId('screen-done')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('dismiss').click();
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { approve: 'person-limit' });
  await expect(page.getByTestId('screen-error')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('screen-error')).toHaveAttribute('data-error-code', 'limit_reached');
  await checkScreen(page, 'error-limit');
});

test('a kiosk restart mid-flow leaves no half-finished screen: the page rebuilds from the core state', async ({ page }) => {
  await startCashOut(page, 500);
  await expect(page.getByTestId('qr')).toBeVisible();
  const urlBefore = system.kioskUrl;
  const restarted = system.restartKiosk();
  await expect(page.getByTestId('screen-connecting')).toBeVisible();
  await checkScreen(page, 'connecting');
  expect(await restarted).toBe(urlBefore);
  // system.ts keeps the UI port and token: the same open page reconnects and shows what the restarted core says.
  await expect(startScreen(page).or(page.getByTestId('screen-error'))).toBeVisible({ timeout: 40_000 });
  await expect(page.getByTestId('screen-scan')).toHaveCount(0);
});

// Last in the file: a hopper that ran dry stays out of service until a technician refills and resets it.
test('a hopper that runs empty mid-payout shows the coins still owed', async ({ page, context }) => {
  await startCashOut(page, 500);
  await answerOnPhone(page, context, system.phoneUrl, { approve: 'person-partial' });
  await expect(page.getByTestId('coins-paid')).not.toHaveText('0');
  system.hopper.sim.faults.empty = true;
  try {
    await expect(page.getByTestId('screen-error')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('screen-error')).toHaveAttribute('data-error-code', 'partial_payout');
    await expect(page.locator('#error-title')).toHaveText('Some coins are still owed to you');
    await expect(page.getByTestId('coins-owed')).toContainText('Still owed to you');
    await expect(page.getByTestId('receipt-code')).toHaveText(/^[0-9A-F]{8}$/);
    await checkScreen(page, 'error-partial');
  } finally {
    system.hopper.sim.faults.empty = false;
  }
});
