import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { seedTransactions } from '../../cloud-api/src/testing/seed-transactions';
import { addOperator, consoleScreens, demoKioskId, logIn, NEEDS_POSTGRES, startConsoleSystem, transactionsPageMs, type ConsoleSystem, type TestOperator } from './support/console';

/**
 * Issue 17 console, transactions, in Chromium against the real system on Postgres holding 100,000 transactions
 * (seeded with generate_series): the list's load time, find one by the receipt code a customer reads out,
 * its trail, and the CSV export checked row by row against the table. Runs once (1920x1080 project); the
 * screenshots are taken at 1920x1080, 800x480 and a phone inside the test.
 */
const SEEDED = 100_000;
let s: ConsoleSystem;
let op: TestOperator;
let kioskId: string;

test.skip(!process.env.DATABASE_URL, NEEDS_POSTGRES);
test.skip(({ viewport }) => viewport?.width !== 1920, 'runs once; screenshots at every size inside');
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from an object pattern
test.beforeAll(async ({}, info) => {
  if (info.project.name !== 'kiosk-1920x1080') return;
  test.setTimeout(300_000);
  s = await startConsoleSystem();
  kioskId = await demoKioskId(s);
  await seedTransactions(s.db, { kioskId, count: SEEDED, newest: new Date(Date.now() - 60_000), salt: 7 });
  op = await addOperator(s, 'ana@example.com', 'operator');
});
test.afterAll(async () => s?.stop());

test('the transactions list loads fast with 100,000 transactions; Load more pages back by cursor', async ({ page }) => {
  await logIn(page, s, op);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) samples.push(await transactionsPageMs(page, s.consoleUrl));
  const median = [...samples].sort((a, b) => a - b)[2]!;
  console.log(JSON.stringify({ name: 'console_transactions_page_ms', value: median, unit: 'ms', detail: { transactions: SEEDED, samples } }));
  expect(median).toBeLessThan(3000);
  await expect(page.getByTestId('tx-row')).toHaveCount(50);
  await page.getByTestId('load-more').click();
  await expect(page.getByTestId('tx-row')).toHaveCount(100);
  // Newest first across the page boundary, no row twice.
  const ids = await page.getByTestId('tx-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tx-id')));
  expect(new Set(ids).size).toBe(100);
  const { rows } = await s.db.query<{ id: string }>('SELECT id FROM transactions ORDER BY created_at DESC, id DESC LIMIT 100');
  expect(ids).toEqual(rows.map((r) => r.id));
  await consoleScreens(page, 'transactions');
});

test('find a transaction by the receipt code the customer reads out, and open its whole trail', async ({ page }) => {
  // One from deep in the history (the list's first pages never show it).
  const { rows } = await s.db.query<{ id: string; status: string }>('SELECT id, status FROM transactions ORDER BY created_at DESC OFFSET 77777 LIMIT 1');
  const target = rows[0]!;
  const receipt = target.id.replace(/-/g, '').slice(-8).toUpperCase();
  await logIn(page, s, op);
  await page.getByTestId('nav-transactions').click();
  await page.getByTestId('filter-receipt').fill(receipt.toLowerCase());
  await page.getByTestId('search').click();
  await expect(page).toHaveURL(new RegExp(`receipt_code=${receipt.toLowerCase()}`));
  await expect(page.getByTestId('tx-row')).toHaveCount(1);
  await expect(page.getByTestId('tx-row')).toHaveAttribute('data-tx-id', target.id);
  await page.getByTestId('tx-link').click();
  await expect(page.getByTestId('page-transaction')).toBeVisible();
  await expect(page.getByTestId('tx-id')).toHaveText(target.id);
  await expect(page.getByTestId('tx-receipt')).toHaveText(receipt);
  await expect(page.getByTestId('page-transaction')).toContainText(target.status);
  await consoleScreens(page, 'transaction');
  // A code nobody has: an empty answer, said in words.
  await page.goto(`${s.consoleUrl}#/transactions?receipt_code=FFFFFFFF`);
  await expect(page.getByText('No transactions match.')).toBeVisible();
});

test('export a search as CSV: every row the database has for it, no other', async ({ page }) => {
  // 300 partial payouts among the 100,000 (seeded rows are completed, failed or expired): the search an operator exports.
  await s.db.query(
    `UPDATE transactions SET status = 'partial', coins_paid = 7
      WHERE id IN (SELECT id FROM transactions WHERE status = 'failed' ORDER BY created_at DESC OFFSET 1000 LIMIT 300)`,
  );
  await logIn(page, s, op);
  await page.goto(`${s.consoleUrl}#/transactions?status=partial&kiosk_id=${kioskId}`);
  await expect(page.getByTestId('tx-row').first()).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-export').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  const header = csv[0]!.split(',');
  const col = (name: string) => header.indexOf(name);
  const got = csv.slice(1).map((line) => line.split(','));
  const { rows } = await s.db.query<{ id: string; status: string; amount_cents: number; coins_paid: number | null }>(
    `SELECT id, status, amount_cents, coins_paid FROM transactions WHERE status = 'partial' AND kiosk_id = $1`,
    [kioskId],
  );
  expect(rows.length).toBe(300);
  expect(got.length).toBe(rows.length);
  const byId = new Map(got.map((r) => [r[col('id')], r]));
  expect(byId.size).toBe(rows.length);
  for (const r of rows) {
    const line = byId.get(r.id);
    expect(line, r.id).toBeDefined();
    expect(line![col('status')]).toBe('partial');
    expect(Number(line![col('amount_cents')])).toBe(r.amount_cents);
    expect(line![col('coins_paid')]).toBe(String(r.coins_paid));
    expect(line![col('receipt_code')]).toBe(r.id.replace(/-/g, '').slice(-8).toUpperCase());
  }
  console.log(`csv: ${got.length} rows for status=partial, each matched against the transactions table`);
});

test('every other console page, shot at each size with an accessibility check', async ({ page }) => {
  await logIn(page, s, op);
  await consoleScreens(page, 'fleet');
  await page.goto(`${s.consoleUrl}#/kiosks/${kioskId}`);
  await expect(page.getByTestId('page-kiosk')).toBeVisible();
  await consoleScreens(page, 'kiosk');
  // Reconciliation and webhooks are shot once their routes are in this cloud's /openapi.json (issue 17, h17a).
  const doc = (await (await page.request.get(`${s.system.cloudUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  const pages = (['attention', 'credits', 'reconciliation', 'webhooks', 'audit'] as const).filter((p) => `/v1/fleet/${p}` in doc.paths);
  expect(pages).toEqual(expect.arrayContaining(['attention', 'credits', 'audit']));
  for (const name of pages) {
    await page.getByTestId(`nav-${name}`).click();
    await expect(page.getByTestId(`page-${name}`)).toBeVisible();
    await expect(page.getByTestId('load-error')).toHaveCount(0);
    await consoleScreens(page, name);
  }
});
