import { expect, type Page } from '@playwright/test';

/** The hidden entry: five taps on the brand in the top-left corner within three seconds. */
export async function openPinPad(page: Page): Promise<void> {
  for (let i = 0; i < 5; i++) await page.getByTestId('brand').click();
  await expect(page.getByTestId('screen-admin-pin')).toBeVisible();
}

/** Types a PIN on the on-screen keypad and presses Unlock. */
export async function enterPin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByTestId(`pin-pad-${digit}`).click();
  await page.getByTestId('pin-unlock').click();
}

/** Gesture + PIN → the admin screen. */
export async function unlockAdmin(page: Page, pin: string): Promise<void> {
  await openPinPad(page);
  await enterPin(page, pin);
  await expect(page.getByTestId('screen-admin')).toBeVisible();
}

/** Types digits on one of the admin keypads (`refill-pad`, `new-pin-pad`), clearing it first. */
export async function typeDigits(page: Page, pad: string, digits: string): Promise<void> {
  await page.getByTestId(`${pad}-clear`).click();
  for (const digit of digits) await page.getByTestId(`${pad}-${digit}`).click();
}

/** Waits for the outcome line of the last admin action and returns its kind and text. */
export async function outcome(page: Page, kind: 'ok' | 'error'): Promise<string> {
  const line = page.getByTestId('admin-outcome');
  await expect(line).toHaveAttribute('data-kind', kind, { timeout: 30_000 });
  return (await line.textContent()) ?? '';
}
