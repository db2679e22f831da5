import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

/**
 * Drives the simulated World App page (sim/worldid/phone-page.ts) for the QR on the kiosk page:
 * approve as `identity` (the per-human limit counts per identity) or reject with `code`.
 */
export async function answerOnPhone(kiosk: Page, context: BrowserContext, phoneUrl: string, answer: { approve: string } | { reject: string }): Promise<void> {
  const qr = kiosk.getByTestId('qr');
  await expect(qr).toBeVisible();
  const uri = await qr.getAttribute('data-connector-uri');
  if (!uri) throw new Error('the QR has no data-connector-uri');
  const phone = await context.newPage();
  await phone.goto(`${phoneUrl}?uri=${encodeURIComponent(uri)}`);
  if ('approve' in answer) {
    await phone.locator('input[name="identity"]').fill(answer.approve);
    await phone.getByRole('button', { name: /approve/i }).click();
  } else {
    await phone.locator('input[name="code"]').fill(answer.reject);
    await phone.getByRole('button', { name: /reject/i }).click();
  }
  await expect(phone.locator('#outcome')).toBeVisible();
  await phone.close();
}

/** The idle start (issue 16): the welcome screen, or the amount screen in the middle of a session. */
export function startScreen(page: Page): Locator {
  return page.getByTestId('screen-welcome').or(page.getByTestId('screen-idle'));
}

/** From the welcome screen on to the amount screen ("Cash out"); already there is fine. */
export async function toAmountScreen(page: Page): Promise<void> {
  await expect(startScreen(page)).toBeVisible();
  if (await page.getByTestId('screen-welcome').isVisible()) await page.getByTestId('welcome-cash-out').click();
  await expect(page.getByTestId('screen-idle')).toBeVisible();
}

/** Picks a preset amount on the amount screen (from the welcome if need be) and presses Cash out. */
export async function startCashOut(page: Page, presetCents: number): Promise<void> {
  await toAmountScreen(page);
  await page.getByTestId(`preset-${presetCents}`).click();
  await page.getByTestId('cash-out').click();
}

/** Back to the amount screen from wherever the flow is (done/error → dismiss; scan → cancel; welcome → Cash out). */
export async function backToStart(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    if (await startScreen(page).isVisible()) break;
    // The screen may move on by itself (done/error return to the start): a click that finds no button is no failure.
    if (await page.getByTestId('dismiss').isVisible()) await page.getByTestId('dismiss').click({ timeout: 5_000 }).catch(() => undefined);
    else if (await page.getByTestId('cancel').isVisible()) await page.getByTestId('cancel').click({ timeout: 5_000 }).catch(() => undefined);
    await startScreen(page).waitFor({ timeout: 10_000 }).catch(() => undefined);
  }
  await toAmountScreen(page);
}
