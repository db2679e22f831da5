import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { answerOnPhone, toAmountScreen } from './support/phone';
import { checkScreen } from './support/screen-check';

/**
 * One rule for amounts (contract/amount-rules.ts), seen on the real screen against the real system:
 * the fee shown is the cloud's (FEE_* of the cloud, not the kiosk's env), and amounts the free coins
 * cannot cover are not offered — the screen disables what the core would refuse, and says why.
 * The hopper holds 60 quarters ($15). PAYMENT_MODE=world_app with a 3 s payment wait: the unpaid $10
 * session times out and ends (issue 15, presence rule), so its 40 quarters are free again.
 */
let system: RunningSystem;

test.beforeAll(async () => {
  system = await startSystem({
    dataDir: mkdtempSync(join(tmpdir(), 'roluatm-e2e-amount-')),
    paymentMode: 'world_app',
    coinsLoaded: 60,
    cloudEnv: { FEE_FLAT_CENTS: '25', FEE_BPS: '250' },
    // The kiosk's own fee differs on purpose: it is only a fallback before the first contact.
    kioskEnv: { FEE_FLAT_CENTS: '0', FEE_BPS: '0', PAYMENT_TIMEOUT_SEC: '3' },
  });
});

test.afterAll(async () => {
  await system?.stop();
});

/** A KioskApi call from the page's own origin, as the screen would make it. */
async function callCore(page: Page, amountCents: number): Promise<unknown> {
  return page.evaluate(async (amount) => {
    const token = new URLSearchParams(location.search).get('token') ?? '';
    const ws = new WebSocket(`ws://${location.host}/kiosk-api?token=${encodeURIComponent(token)}`);
    return new Promise((resolve, reject) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 1, method: 'startCashOut', params: { amount_cents: amount } }));
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { type: string; result?: unknown };
        if (msg.type !== 'result') return;
        ws.close();
        resolve(msg.result);
      };
      ws.onerror = () => reject(new Error('the kiosk API socket failed'));
    });
  }, amountCents);
}

test("the screen shows the cloud's fee and offers only amounts the free coins cover, as the core decides", async ({ page, context }) => {
  await page.goto(system.kioskUrl);
  await toAmountScreen(page);
  for (const p of [500, 1000]) await expect(page.getByTestId(`preset-${p}`)).toBeEnabled();
  await expect(page.getByTestId('preset-2000')).toBeDisabled();
  await expect(page.getByTestId('preset-refusal')).toContainText('only 60 quarters');

  // $10: 40 quarters; the cloud's fee is 25 ¢ + 2.5 % = 50 ¢ (the kiosk's env would say $0.00).
  await page.getByTestId('preset-1000').click();
  await expect(page.getByTestId('quote-fee')).toHaveText('$0.50');
  await expect(page.getByTestId('quote-total')).toHaveText('$10.50');
  await expect(page.getByTestId('quote')).toContainText('You pay'); // PAYMENT_MODE=world_app (issue 14)
  await page.getByTestId('cash-out').click();
  await answerOnPhone(page, context, system.phoneUrl, { approve: `amount-rules-${test.info().project.name}` });
  await expect(page.getByTestId('screen-waiting_payment')).toBeVisible();
  // Not paid within PAYMENT_TIMEOUT_SEC: the screen says so and the session ends (a late payment is never paid here).
  await expect(page.getByTestId('screen-error')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('dismiss').click();
  // After an error the next customer starts on the welcome screen (issue 16).
  await expect(page.getByTestId('screen-welcome')).toBeVisible();
  await toAmountScreen(page);

  // The ended session reserves nothing: 60 free, $20 (80 quarters) is disabled with the reason; $10 and $5 are not.
  await expect(page.getByTestId('preset-2000')).toBeDisabled();
  await expect(page.getByTestId('preset-refusal')).toHaveText('This kiosk has only 60 quarters ($15.00) left. Please pick a smaller amount.');
  await expect(page.getByTestId('preset-1000')).toBeEnabled();
  await expect(page.getByTestId('preset-500')).toBeEnabled();
  await checkScreen(page, 'amount-preset-disabled');
  for (const key of ['2', '0']) await page.getByTestId(`key-${key}`).click();
  await expect(page.getByTestId('amount-refusal')).toContainText('only 60 quarters');
  await expect(page.getByTestId('preset-refusal')).toHaveCount(0); // the same sentence is not said twice
  await expect(page.getByTestId('cash-out')).toBeDisabled();
  await checkScreen(page, 'amount-coins-reserved');

  // The core refuses the same amount for the same reason, and takes what the screen offers.
  expect(await callCore(page, 2000)).toMatchObject({ ok: false, error: { code: 'empty' } });
  expect(system.hopper.sim.coinsOut).toBe(0);
  await page.getByTestId('key-clear').click();
  await page.getByTestId('key-1').click();
  await page.getByTestId('key-5').click();
  await expect(page.getByTestId('quote-coins')).toHaveText('60');
  await page.getByTestId('cash-out').click();
  await expect(page.getByTestId('qr')).toBeVisible();
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('screen-idle')).toBeVisible();
});
