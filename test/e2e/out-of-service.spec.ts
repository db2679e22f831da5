import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../../scripts/system';
import { startTestProxy, type TestProxy } from '../support/proxy/proxy';
import { checkScreen } from './support/screen-check';
import { startScreen } from './support/phone';

/**
 * Out of service and recovery by itself (PRODUCT.md "Offline-first"): the kiosk reaches the cloud
 * through a proxy the test cuts and restores, and the simulated hopper can go silent (cable pulled).
 */
let system: RunningSystem;
let proxy: TestProxy;

test.beforeAll(async () => {
  const p = await startTestProxy({});
  proxy = p;
  system = await startSystem({
    dataDir: mkdtempSync(join(tmpdir(), 'roluatm-e2e-oos-')),
    kioskCloudUrl: (cloudUrl) => {
      p.setTarget(cloudUrl);
      return p.url;
    },
  });
});

test.afterAll(async () => {
  await system?.stop();
  await proxy?.close();
});

test('the kiosk goes out of service while offline and comes back by itself', { tag: '@smoke' }, async ({ page }) => {
  await page.goto(system.kioskUrl);
  await expect(startScreen(page)).toBeVisible();
  // The network goes away: open connections die and new ones are refused, until restored.
  proxy.setFaults({ rules: [{ fault: { kind: 'refuse' } }] });
  proxy.disconnect();
  try {
    await expect(page.getByTestId('screen-out-of-service')).toHaveAttribute('data-reason', 'offline', { timeout: 60_000 });
    await checkScreen(page, 'out-of-service-offline');
    await page.getByTestId('lang-toggle').click();
    await expect(page.locator('#oos-title')).toHaveText('Fuera de servicio');
    await checkScreen(page, 'out-of-service-offline-es');
    await page.getByTestId('lang-toggle').click();
  } finally {
    proxy.clearFaults();
  }
  await expect(startScreen(page)).toBeVisible({ timeout: 90_000 });
});

test('a hopper that stops answering puts the kiosk out of service until it answers again', async ({ page }) => {
  await page.goto(system.kioskUrl);
  await expect(startScreen(page)).toBeVisible();
  system.hopper.sim.faults.silent = true;
  try {
    await expect(page.getByTestId('screen-out-of-service')).toHaveAttribute('data-reason', 'hopper', { timeout: 30_000 });
    await checkScreen(page, 'out-of-service-hopper');
  } finally {
    system.hopper.sim.faults.silent = false;
  }
  await expect(startScreen(page)).toBeVisible({ timeout: 30_000 });
});
