import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { TransactionSearchResponseSchema } from '../../contract/console-api';
import { FleetCreditsResponseSchema, type Credit } from '../../contract/credits';
import type { KioskJobRecord, RunRecord } from './invariants';

/**
 * Reads what each side recorded about one cash-out: the kiosk's SQLite file (read-only, next to
 * the running kiosk: WAL lets it) and the cloud through the operator's fleet API.
 */
export function readKiosk(dbPath: string, txId: string): { tx: RunRecord['kiosk']; outboxUnsent: number } {
  if (!existsSync(dbPath)) return { tx: null, outboxUnsent: 0 };
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT kind, coins, status, coins_paid FROM transactions WHERE id = ?').get(txId) as
      | { kind: 'cash_out' | 'claim'; coins: number; status: string; coins_paid: number | null }
      | undefined;
    const jobs = db.prepare('SELECT id, status, coins, coins_paid FROM dispense_jobs WHERE transaction_id = ?').all(txId) as KioskJobRecord[];
    const { n } = db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number };
    return { tx: row ? { ...row, jobs } : null, outboxUnsent: n };
  } finally {
    db.close();
  }
}

export interface CloudView {
  cloud: RunRecord['cloud'];
  credits: RunRecord['credits'];
}

export async function readCloud(cloudUrl: string, operatorToken: string, txId: string, since: string): Promise<CloudView> {
  const headers = { authorization: `Bearer ${operatorToken}` };
  const txRes = await fetch(`${cloudUrl}/v1/fleet/transactions?limit=500&from=${encodeURIComponent(since)}`, { headers });
  if (txRes.status !== 200) throw new Error(`fleet transactions: HTTP ${txRes.status}`);
  const t = TransactionSearchResponseSchema.parse(await txRes.json()).items.find((x) => x.id === txId);
  // Every credit of this transaction, whatever its state (issue 15 ledger).
  const credits = (await fleetCredits(cloudUrl, operatorToken))
    .filter((c) => c.transaction_id === txId)
    .map((c) => ({ coins: c.coins, state: c.state, reason: c.reason, coins_collected: c.coins_collected }));
  return {
    cloud: t ? { status: t.status, coins_paid: t.coins_paid ?? null, job: t.job ? { id: t.job.id, status: t.job.status, coins_paid: t.job.coins_paid } : null } : null,
    credits,
  };
}

/** The cloud's whole credits ledger through the fleet API, page by page (issue 15). */
export async function fleetCredits(cloudUrl: string, operatorToken: string): Promise<Credit[]> {
  const headers = { authorization: `Bearer ${operatorToken}` };
  const credits: Credit[] = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await fetch(`${cloudUrl}/v1/fleet/credits?limit=500${q}`, { headers });
    if (res.status !== 200) throw new Error(`fleet credits: HTTP ${res.status}`);
    const page = FleetCreditsResponseSchema.parse(await res.json());
    credits.push(...page.items);
    cursor = page.next_cursor;
  }
  return credits;
}
