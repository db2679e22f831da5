import { defineConfig } from '@playwright/test';

/** Real Chromium from Debian (Playwright cannot download browsers here). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    // Every test runs at both sizes (issue 6): the official 7-inch Pi display and a 1080p screen.
    { name: 'kiosk-800x480', use: { viewport: { width: 800, height: 480 } } },
    { name: 'kiosk-1920x1080', use: { viewport: { width: 1920, height: 1080 } } },
  ],
});
