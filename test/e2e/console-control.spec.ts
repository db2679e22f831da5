import { expect, test } from '@playwright/test';
import { newId } from '../../contract/clock';
import { addOperator, consoleScreens, demoKioskId, logIn, NEEDS_POSTGRES, startConsoleSystem, type ConsoleSystem, type TestOperator } from './support/console';

/**
 * Issue 17 console, the operator's writes, in Chromium against the whole real system on Postgres: settle a credit.
 * Runs once (1920x1080 project).
 */
let s: ConsoleSystem;
let op: TestOperator;
let kioskId: string;

test.skip(!process.env.DATABASE_URL, NEEDS_POSTGRES);
test.skip(({ viewport }) => viewport?.width !== 1920, 'behaviour runs at one size');
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from an object pattern
test.beforeAll(async ({}, info) => {
  if (info.project.name !== 'kiosk-1920x1080') return;
  s = await startConsoleSystem();
  kioskId = await demoKioskId(s);
  op = await addOperator(s, 'otto@example.com', 'operator');
});
test.afterAll(async () => s?.stop());

/** A failed transaction at the demo kiosk and the credit the customer is owed for it (as the ledger writes one). */
async function openCredit(coins: number): Promise<{ creditId: string; transactionId: string }> {
  const transactionId = newId();
  const creditId = newId();
  const now = new Date();
  await s.db.query(
    `INSERT INTO transactions (id, kiosk_id, amount_cents, fee_cents, total_cents, coins, status, coins_paid, payment_reference, rp_nonce, rp_context, created_at, expires_at, updated_at)
     VALUES ($1, $2, $3, 0, $3, $4, 'failed', 0, $5, 'n', '{}'::jsonb, $6, $6, $6)`,
    [transactionId, kioskId, coins * 25, coins, `credit_${transactionId.slice(-12)}`, now],
  );
  await s.db.query(
    `INSERT INTO credits (id, transaction_id, kiosk_id, reason, coins, amount_cents, state, created_at, updated_at)
     VALUES ($1, $2, $3, 'failed_payout', $4, $5, 'open', $6, $6)`,
    [creditId, transactionId, kioskId, coins, coins * 25, now],
  );
  return { creditId, transactionId };
}

test('settle a credit as refunded with a reference: the ledger row says so, by whom, and the audit log shows it', async ({ page }) => {
  const { creditId } = await openCredit(8);
  await logIn(page, s, op);
  await page.getByTestId('nav-credits').click();
  const row = page.locator(`[data-credit-id="${creditId}"]`);
  await expect(row).toContainText('$2.00 (8 of 8 coins)');
  await expect(row.getByTestId('credit-state')).toHaveText('open');
  await consoleScreens(page, 'credits-open');
  await row.getByTestId('settle-outcome').selectOption('refunded');
  await row.getByTestId('settle-text').fill('BANK-REF-4471');
  await row.getByTestId('settle-submit').click();
  // Settled credits leave the default "open" view; all of them are one choice away.
  await expect(row).toHaveCount(0);
  await page.getByTestId('credit-filter').selectOption('');
  await expect(row.getByTestId('credit-state')).toHaveText('refunded');
  await expect(row).toContainText('otto@example.com');
  const { rows } = await s.db.query<{ state: string; settle_reference: string; settled_by: string }>('SELECT state, settle_reference, settled_by FROM credits WHERE id = $1', [creditId]);
  expect(rows[0]).toMatchObject({ state: 'refunded', settle_reference: 'BANK-REF-4471' });
  expect(rows[0]!.settled_by).toContain('otto@example.com');
  await page.getByTestId('nav-audit').click();
  await expect(page.getByTestId('audit-row').first()).toContainText('otto@example.com');
  await expect(page.getByTestId('audit-table')).toContainText(creditId);
});
