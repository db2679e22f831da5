import { expect, type BrowserContext, type Page } from '@playwright/test';

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

/** Picks a preset amount on the amount screen and presses Cash out. */
export async function startCashOut(page: Page, presetCents: number): Promise<void> {
  await page.getByTestId(`preset-${presetCents}`).click();
  await page.getByTestId('cash-out').click();
}

/** Back to the amount screen from wherever the flow is (done/error → dismiss; scan → cancel). */
export async function backToStart(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    if (await page.getByTestId('screen-idle').isVisible()) return;
    if (await page.getByTestId('dismiss').isVisible()) await page.getByTestId('dismiss').click();
    else if (await page.getByTestId('cancel').isVisible()) await page.getByTestId('cancel').click();
    await page.getByTestId('screen-idle').waitFor({ timeout: 10_000 }).catch(() => undefined);
  }
  await expect(page.getByTestId('screen-idle')).toBeVisible();
}
