import { expect, test } from '@playwright/test';
import type { FlowState } from '../../contract/kiosk-api';
import { sampleFlows, sampleState } from '../../renderer/test-support/sample-state';
import { checkScreen } from './support/screen-check';
import { startScriptedCore, type ScriptedCore } from './support/scripted-core';
import { errorFlow } from '../../main/kiosk/error-messages';

/**
 * Screens the real system shows only for a moment (customer-flow.spec.ts walks them for real):
 * each one, in English and Spanish, screenshotted and checked with axe-core at both sizes.
 */
let core: ScriptedCore;

test.beforeAll(async () => {
  core = await startScriptedCore(sampleState());
});

test.afterAll(async () => {
  await core?.close();
});

const transient: FlowState[] = [
  sampleFlows.registering, sampleFlows.verifying, sampleFlows.waiting_payment, sampleFlows.error,
  // Issue 15: confirming a submitted payment, the coins found for a claim, nothing owed.
  sampleFlows.confirming_payment, sampleFlows.collecting, sampleFlows.nothing_owed,
];

for (const flow of transient) {
  test(`the ${flow.screen} screen is readable and accessible in English and Spanish`, { tag: '@smoke' }, async ({ page }) => {
    core.show(sampleState({ flow }));
    await page.goto(core.url);
    await expect(page.getByTestId(`screen-${flow.screen}`)).toBeVisible();
    await checkScreen(page, `${flow.screen}`);
    await page.getByTestId('lang-toggle').click();
    await expect(page.locator('.app')).toHaveAttribute('lang', 'es');
    await checkScreen(page, `${flow.screen}-es`);
  });
}

// Issue 14: the daily cash caps refuse a cash-out at registration; the customer reads why, in both languages.
for (const code of ['kiosk_daily_cap_reached', 'fleet_daily_cap_reached']) {
  test(`the ${code} error screen is readable and accessible in English and Spanish`, async ({ page }) => {
    core.show(sampleState({ flow: errorFlow(code, { transactionId: '019ad3f2-7c1e-7000-8000-00000000c0de' }) }));
    await page.goto(core.url);
    await expect(page.getByTestId('screen-error')).toContainText('today');
    await checkScreen(page, code);
    await page.getByTestId('lang-toggle').click();
    await expect(page.getByTestId('screen-error')).toContainText('por hoy');
    await checkScreen(page, `${code}-es`);
  });
}

// Issue 13: a job not started because the hopper latched a fault waits for the technician's reset.
test('the payout_waiting error screen is readable and accessible in English and Spanish', async ({ page }) => {
  core.show(sampleState({ flow: errorFlow('payout_waiting', { transactionId: '019ad3f2-7c1e-7000-8000-00000000c0de', coinsPaid: 0 }) }));
  await page.goto(core.url);
  await expect(page.getByTestId('screen-error')).toContainText('needs a technician');
  await checkScreen(page, 'payout_waiting');
  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('screen-error')).toContainText('necesita un técnico');
  await checkScreen(page, 'payout_waiting-es');
});
