import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatedOperatorResponseSchema, type OperatorRole } from '../../../contract/console-api';
import type { Db } from '../../../cloud-api/src/db/db';
import { openPgDb } from '../../../cloud-api/src/db/pg-adapter';
import { totpCode } from '../../../cloud-api/src/operators/totp';
import { createScratchDatabase } from '../../../cloud-api/src/testing/test-db';
import { startSystem, type RunningSystem, type SystemOptions } from '../../../scripts/system';
import { seriousA11yViolations } from './screen-check';

/**
 * The operator console against the whole real system (scripts/system.ts: cloud, kiosk core, simulated hopper)
 * on a scratch Postgres database, so a test can check the console's answers against the tables themselves.
 * Needs DATABASE_URL (the machine's Postgres); without it the console specs skip and say why.
 */
export interface ConsoleSystem {
  system: RunningSystem;
  /** A second connection to the cloud's database, for seeding and checking. */
  db: Db;
  consoleUrl: string;
  stop(): Promise<void>;
}

export const NEEDS_POSTGRES = 'the console specs check pages against the cloud database: set DATABASE_URL (Postgres)';

export async function startConsoleSystem(o: Pick<SystemOptions, 'cloudEnv' | 'kioskEnv' | 'hopper'> = {}): Promise<ConsoleSystem> {
  const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '', 'console_e2e');
  const dataDir = mkdtempSync(join(tmpdir(), 'roluatm-e2e-console-'));
  let system: RunningSystem | undefined;
  try {
    system = await startSystem({ dataDir, databaseUrl: scratch.url, cloudEnv: o.cloudEnv, kioskEnv: o.kioskEnv, hopper: o.hopper });
  } catch (e) {
    await scratch.drop();
    throw e;
  }
  const db = await openPgDb(scratch.url);
  const running = system;
  return {
    system: running,
    db,
    consoleUrl: `${running.cloudUrl}/console/`,
    async stop() {
      await db.close();
      await running.stop();
      await scratch.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestOperator {
  email: string;
  role: OperatorRole;
  /** The password the account has now (the initial one until a test changes it). */
  password: string;
  totpSecret: string | null;
}

/** A new account made by the service token (admin routes), as an admin would in the console. */
export async function addOperator(s: ConsoleSystem, email: string, role: OperatorRole, totp = false): Promise<TestOperator> {
  const res = await fetch(`${s.system.cloudUrl}/v1/fleet/operators`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.system.operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, role, totp }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`add operator: ${res.status} ${await res.text()}`);
  const made = CreatedOperatorResponseSchema.parse(await res.json());
  return { email, role, password: made.password, totpSecret: made.totp_secret };
}

/** The current TOTP code, waiting for the next 30 s step when this one was used already (a code works once). */
export async function freshTotp(op: TestOperator, used: Set<string>): Promise<string> {
  if (!op.totpSecret) throw new Error('no TOTP on this account');
  for (;;) {
    const code = totpCode(op.totpSecret, Date.now());
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Logs in through the login page; on the first login the console asks for a new password, which this
 * chooses and remembers on `op`. Ends on the Fleet page.
 */
export async function logIn(page: Page, s: ConsoleSystem, op: TestOperator, o: { totp?: () => Promise<string> } = {}): Promise<void> {
  await page.goto(s.consoleUrl);
  await page.getByTestId('login-email').fill(op.email);
  await page.getByTestId('login-password').fill(op.password);
  await page.getByTestId('login-submit').click();
  if (o.totp) {
    await expect(page.getByTestId('login-totp')).toBeVisible();
    await page.getByTestId('login-totp').fill(await o.totp());
    await page.getByTestId('login-submit').click();
  }
  const forced = page.getByTestId('page-password');
  const fleet = page.getByTestId('page-fleet');
  await expect(forced.or(fleet)).toBeVisible();
  if (await forced.isVisible()) {
    const next = `${op.password}-mine-${Date.now()}`;
    await page.getByTestId('pw-current').fill(op.password);
    await page.getByTestId('pw-next').fill(next);
    await page.getByTestId('pw-again').fill(next);
    await page.getByTestId('pw-submit').click();
    op.password = next;
  }
  await expect(fleet).toBeVisible();
}

/**
 * Screenshot `console-<name>-<project>.png` in the test's output folder (path printed, for the closing note),
 * then axe-core: no serious or critical violation (WCAG AA contrast included).
 */
export async function consoleScreen(page: Page, name: string): Promise<string> {
  const path = test.info().outputPath(`console-${name}-${test.info().project.name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  expect(await seriousA11yViolations(page), `accessibility of the console ${name} page`).toEqual([]);
  return path;
}

/**
 * Milliseconds from navigating to the Transactions page (fresh load of /console/#/transactions, session cookie
 * already set) until its first rows are on screen: the figure issue 17 asks for with 100,000 transactions.
 */
export async function transactionsPageMs(page: Page, consoleUrl: string): Promise<number> {
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(`${consoleUrl}#/transactions`);
  await expect(page.getByTestId('tx-row').first()).toBeVisible({ timeout: 60_000 });
  return Date.now() - t0;
}

/** The sizes each console page is shot at: the kiosk-suite sizes and a phone. */
export const CONSOLE_SIZES = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '800x480', width: 800, height: 480 },
  { name: 'phone-390x844', width: 390, height: 844 },
] as const;

/** consoleScreen at every size (the page is re-laid out, not reloaded), back to the first size after. */
export async function consoleScreens(page: Page, name: string): Promise<string[]> {
  const paths: string[] = [];
  for (const size of CONSOLE_SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const path = test.info().outputPath(`console-${name}-${size.name}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
    console.log(`screenshot: ${path}`);
    // Nothing may stick out sideways on a phone: the page scrolls down, never across.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `console ${name} at ${size.name}: horizontal overflow`).toBeLessThanOrEqual(1);
    expect(await seriousA11yViolations(page), `accessibility of the console ${name} page at ${size.name}`).toEqual([]);
  }
  await page.setViewportSize({ width: CONSOLE_SIZES[0].width, height: CONSOLE_SIZES[0].height });
  return paths;
}

/** The demo kiosk's id, once it has enrolled (the kiosk process enrols after the system starts). */
export async function demoKioskId(s: ConsoleSystem): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const { rows } = await s.db.query<{ id: string }>('SELECT id FROM kiosks ORDER BY created_at LIMIT 1');
    if (rows[0]) return rows[0].id;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the demo kiosk did not enrol within 30 s');
}
