import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { startCashOut, startScreen } from './support/phone';
import { checkScreen } from './support/screen-check';

/**
 * The `npm start` demo walked as the README says, with the cloud's default per-person limit
 * (PER_HUMAN_DAILY_COUNT=3, of which World ID 4.0 proofs get 2 while 3.0 proofs are accepted): the link shown under the QR code is pasted on the simulated phone page,
 * each walk is a new simulated person unless a name is typed, and a limit reached is said in words.
 */
let system: RunningSystem;

test.beforeAll(async () => {
  system = await startSystem({ dataDir: mkdtempSync(join(tmpdir(), 'roluatm-e2e-demo-')), hopper: { coinsPerSecond: 100 } });
});

test.afterAll(async () => {
  await system?.stop();
});

/** Opens the phone page as a person would (no `?uri=`), pastes `link`, optionally types a person, and approves. */
async function pasteAndApprove(context: BrowserContext, link: string, person?: string): Promise<string> {
  const phone = await context.newPage();
  await phone.goto(system.phoneUrl);
  await phone.getByLabel(/connector link/i).fill(link);
  if (person) await phone.locator('input[name="identity"]').fill(person);
  await phone.getByRole('button', { name: /approve/i }).click();
  const outcome = (await phone.locator('#outcome').textContent()) ?? '';
  await phone.close();
  return outcome;
}

async function walk(page: Page, context: BrowserContext, how: 'connector' | 'qr-link', person?: string): Promise<string> {
  await startCashOut(page, 500);
  await expect(page.getByTestId('qr')).toBeVisible();
  const link = how === 'connector' ? await page.getByTestId('demo-connector-uri').inputValue() : await page.getByTestId('demo-phone-link').getAttribute('href');
  expect(link).toBeTruthy();
  return pasteAndApprove(context, link!, person);
}

async function expectPaid(page: Page): Promise<void> {
  await expect(page.getByTestId('screen-done')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('coins-paid')).toHaveText('20');
  await page.getByTestId('dismiss').click();
  await expect(startScreen(page)).toBeVisible();
}

test('pasted links pay out; the third walk is a new person; a third cash-out by one person is refused in words', async ({ page, context }) => {
  test.setTimeout(180_000);
  await page.goto(system.kioskUrl);
  await startCashOut(page, 500);
  await expect(page.getByTestId('demo-connector-uri')).toHaveValue(/^https:\/\/staging\.world\.org\/verify\?t=wld&i=/);
  await checkScreen(page, 'scan-demo-link');
  await page.getByTestId('cancel').click();
  await expect(startScreen(page)).toBeVisible();

  // Two walks by one named person: the link under the QR, then the QR's own link to the phone page.
  expect(await walk(page, context, 'connector', 'pat')).toMatch(/^Approved/);
  await expectPaid(page);
  expect(await walk(page, context, 'qr-link', 'pat')).toMatch(/^Approved/);
  await expectPaid(page);
  // The third walk with the page's own (new) person is paid.
  expect(await walk(page, context, 'connector')).toMatch(/^Approved/);
  await expectPaid(page);
  // Pat's third cash-out today (4.0 proofs have 2 of the 3): the screen says why, in words.
  expect(await walk(page, context, 'connector', 'pat')).toMatch(/^Approved/);
  await expect(page.getByTestId('screen-error')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('screen-error')).toHaveAttribute('data-error-code', 'limit_reached');
  await expect(page.getByTestId('screen-error')).toContainText('Daily limit reached');
  await expect(page.getByTestId('screen-error')).toContainText('This World ID has cashed out as much as it may today.');
  await expect(page.getByTestId('screen-error')).toContainText(/The limit resets at .+ UTC/);
  await checkScreen(page, 'error-limit-words');
  expect(system.hopper.sim.coinsOut).toBe(60);
});
