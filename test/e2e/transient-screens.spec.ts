import { expect, test } from '@playwright/test';
import type { FlowState } from '../../contract/kiosk-api';
import { sampleFlows, sampleState } from '../../renderer/test-support/sample-state';
import { checkScreen } from './support/screen-check';
import { startScriptedCore, type ScriptedCore } from './support/scripted-core';

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
