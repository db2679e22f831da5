import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../../cloud-api/src/testing/test-db';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { toAmountScreen } from './support/phone';

/**
 * PAYMENT_MODE=world_app end to end: verification alone pays nothing; the kiosk shows the payment
 * page as a second QR; only after the simulated World App pays and the cloud confirms the payment
 * with the (fake) Developer Portal does the one dispense job exist and the hopper pay.
 */
let system: RunningSystem;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'roluatm-e2e-pay-'));
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL, 'roluatm_e2e');
  system = await startSystem({ dataDir, databaseUrl: scratch?.url, paymentMode: 'world_app', hopper: { coinsPerSecond: 50 } });
});

test.afterAll(async () => {
  await system?.stop();
  await scratch?.drop();
});

test('a verified customer gets coins only after paying in World App', async ({ page, context }) => {
  await page.goto(system.kioskUrl);
  await toAmountScreen(page);
  await page.getByTestId('preset-500').click();
  await page.getByTestId('cash-out').click();
  const connectorUri = await page.getByTestId('qr').getAttribute('data-connector-uri');

  const phone = await context.newPage();
  await phone.goto(`${system.phoneUrl}?uri=${encodeURIComponent(connectorUri!)}`);
  await phone.getByRole('button', { name: /approve/i }).click();
  await expect(phone.locator('#outcome')).toContainText('Approved');

  await expect(page.getByTestId('screen-waiting_payment')).toBeVisible();
  await expect(page.getByTestId('payment-qr')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('waiting-payment-800x480.png') });
  expect(system.hopper.sim.coinsOut).toBe(0);

  await phone.getByRole('button', { name: /^pay$/i }).click();
  await expect(page.getByTestId('screen-done')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('coins-paid')).toHaveText('20');
  expect(system.hopper.sim.coinsOut).toBe(20);

  await expect
    .poll(async () => {
      const res = await fetch(`${system.cloudUrl}/v1/fleet/transactions`, { headers: { authorization: `Bearer ${system.operatorToken}` } });
      const body = (await res.json()) as { items: { status: string; coins_paid: number | null }[] };
      return body.items.map((t) => ({ status: t.status, coins_paid: t.coins_paid }));
    }, { timeout: 30_000 })
    .toEqual([{ status: 'completed', coins_paid: 20 }]);
});
