import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { TransactionSearchResponseSchema } from '../../contract/console-api';
import { FleetAttentionResponseSchema } from '../../contract/fleet';
import type { KioskJobRecord, RunRecord } from './invariants';

/**
 * Reads what each side recorded about one cash-out: the kiosk's SQLite file (read-only, next to
 * the running kiosk: WAL lets it) and the cloud through the operator's fleet API.
 */
export function readKiosk(dbPath: string, txId: string): { tx: RunRecord['kiosk']; outboxUnsent: number } {
  if (!existsSync(dbPath)) return { tx: null, outboxUnsent: 0 };
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT status, coins_paid FROM transactions WHERE id = ?').get(txId) as { status: string; coins_paid: number | null } | undefined;
    const jobs = db.prepare('SELECT id, status, coins, coins_paid FROM dispense_jobs WHERE transaction_id = ?').all(txId) as KioskJobRecord[];
    const { n } = db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number };
    return { tx: row ? { ...row, jobs } : null, outboxUnsent: n };
  } finally {
    db.close();
  }
}

export interface CloudView {
  cloud: RunRecord['cloud'];
  refundsOwedCoins: number[];
}

export async function readCloud(cloudUrl: string, operatorToken: string, txId: string, since: string): Promise<CloudView> {
  const headers = { authorization: `Bearer ${operatorToken}` };
  const txRes = await fetch(`${cloudUrl}/v1/fleet/transactions?limit=500&from=${encodeURIComponent(since)}`, { headers });
  if (txRes.status !== 200) throw new Error(`fleet transactions: HTTP ${txRes.status}`);
  const t = TransactionSearchResponseSchema.parse(await txRes.json()).items.find((x) => x.id === txId);
  const attRes = await fetch(`${cloudUrl}/v1/fleet/attention?limit=1000`, { headers });
  if (attRes.status !== 200) throw new Error(`fleet attention: HTTP ${attRes.status}`);
  const owed = FleetAttentionResponseSchema.parse(await attRes.json())
    .items.filter((i) => i.kind === 'credit_open' && i.transaction_id === txId)
    .map((i) => Number(i.detail.coins));
  return {
    cloud: t ? { status: t.status, coins_paid: t.coins_paid ?? null, job: t.job ? { id: t.job.id, status: t.job.status, coins_paid: t.job.coins_paid } : null } : null,
    refundsOwedCoins: owed,
  };
}
