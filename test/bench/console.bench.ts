import { chromium } from '@playwright/test';
import { resolve } from 'node:path';
import { build } from 'vite';
import { CreatedOperatorResponseSchema, CSRF_HEADER, SessionResponseSchema } from '../../contract/console-api';
import { seedTransactions } from '../../cloud-api/src/testing/seed-transactions';
import { OPERATOR_TOKEN } from '../../cloud-api/src/testing/harness';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startRealCloud } from '../support/real-cloud';
import { emit, percentile } from './figure';

/**
 * console_transactions_page_ms (issue 17): from navigating to the operator console's Transactions page until its
 * first rows are on screen, in Chromium, with 100,000 transactions in Postgres (seeded with generate_series), median
 * of RUNS fresh loads. Baseline: the same page when the database holds 100 transactions.
 * Needs DATABASE_URL (the figure is about Postgres).
 */
const RUNS = 7;
const BASELINE_ROWS = 100;
const ROWS = 100_000;

if (!process.env.DATABASE_URL) {
  process.stderr.write('console bench: set DATABASE_URL (Postgres); skipped\n');
  process.exit(0);
}

await build({ configFile: resolve('console/vite.config.ts'), logLevel: 'silent' });
const rc = await startRealCloud('pg');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const url = rc.cloud.url;
  const kiosk = await rc.kiosk('bench');
  const made = await fetch(`${url}/v1/fleet/operators`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', role: 'viewer' }),
  });
  const { password } = CreatedOperatorResponseSchema.parse(await made.json());
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const login = await page.request.post(`${url}/v1/auth/login`, { data: { email: 'bench@example.com', password } });
  const session = SessionResponseSchema.parse(await login.json());
  const changed = await page.request.post(`${url}/v1/auth/password`, { data: { current: password, next: 'bench-password-123' }, headers: { [CSRF_HEADER]: session.csrf_token } });
  if (!changed.ok()) throw new Error(`password change: ${changed.status()}`);

  async function measure(): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto(`${url}/console/#/transactions`);
      await page.getByTestId('tx-row').first().waitFor({ timeout: 60_000 });
      samples.push(performance.now() - t0);
    }
    return samples;
  }

  const newest = new Date(Date.now() - 60_000);
  await seedTransactions(rc.cloud.db, { kioskId: kiosk.id, count: BASELINE_ROWS, newest, salt: 1 });
  const base = await measure();
  await seedTransactions(rc.cloud.db, { kioskId: kiosk.id, count: ROWS - BASELINE_ROWS, newest: new Date(newest.getTime() - BASELINE_ROWS * 1000), salt: 2 });
  const full = await measure();
  emit({
    name: 'console_transactions_page_ms',
    value: Math.round(percentile(full, 50)),
    unit: 'ms',
    baseline: { name: `console_transactions_page_ms_${BASELINE_ROWS}_rows`, value: Math.round(percentile(base, 50)) },
    detail: { transactions: ROWS, runs: RUNS, p95_ms: Math.round(percentile(full, 95)), db: 'postgres' },
  });
  await context.close();
} finally {
  await browser.close();
  await rc.close();
}
