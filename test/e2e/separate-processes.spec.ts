import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrollmentCode, freePort, spawnKiosk, stopChild, waitForKioskUrl } from '../../scripts/system';
import { toAmountScreen } from './support/phone';

/**
 * README "Running the parts one by one": `npm run sim -- all`, `npm run cloud` and `npm run kiosk` as
 * three processes, configured only with the sim's printed env lines and the README's tables, finish
 * a cash-out approved by pasting the kiosk's link on the simulated phone page.
 */
const dir = mkdtempSync(join(tmpdir(), 'roluatm-e2e-parts-'));
const children: ChildProcess[] = [];
let kioskUrl = '';
let phoneUrl = '';

/** `node --import tsx <entry>`: what the npm scripts run, as one process that gets our signals. */
function run(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.resume();
  children.push(child);
  return child;
}

function readEnvFile(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test.beforeAll(async () => {
  const envFile = join(dir, 'sim.env');
  const sim = run('sim/cli.ts', ['all', '--coins', '100', '--coins-per-second', '100', '--write-env', envFile], {});
  await new Promise<void>((resolve, reject) => {
    sim.once('exit', (code) => reject(new Error(`npm run sim exited with ${code}`)));
    createInterface({ input: sim.stdout! }).on('line', (line) => line === '# ready' && resolve());
  });
  const simEnv = readEnvFile(envFile);
  phoneUrl = simEnv.DEMO_PHONE_URL!;

  const cloudUrl = `http://127.0.0.1:${await freePort()}`;
  run('cloud-api/src/server.ts', [], { ...simEnv, PORT: new URL(cloudUrl).port, DATA_DIR: join(dir, 'cloud') });
  await expect.poll(() => fetch(`${cloudUrl}/healthz`).then((r) => r.status, () => 0), { timeout: 60_000 }).toBe(200);

  const kiosk = spawnKiosk({
    ...simEnv,
    CLOUD_URL: cloudUrl,
    ENROLLMENT_CODE: await enrollmentCode(cloudUrl, simEnv.OPERATOR_TOKEN!),
    KIOSK_DATA_DIR: join(dir, 'kiosk'),
  });
  children.push(kiosk);
  kioskUrl = await waitForKioskUrl(kiosk, () => {});
});

test.afterAll(async () => {
  for (const child of children.reverse()) await stopChild(child, 'SIGTERM');
});

test('sim + cloud + kiosk as separate processes finish a cash-out', async ({ page, context }) => {
  await page.goto(kioskUrl);
  await toAmountScreen(page);
  await page.getByTestId('preset-500').click();
  await page.getByTestId('cash-out').click();
  const link = await page.getByTestId('demo-connector-uri').inputValue();
  const phone = await context.newPage();
  await phone.goto(phoneUrl);
  await phone.getByLabel(/connector link/i).fill(link);
  await phone.getByRole('button', { name: /approve/i }).click();
  await expect(phone.locator('#outcome')).toHaveText(/^Approved/);
  await expect(page.getByTestId('screen-done')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('coins-paid')).toHaveText('20');
});
