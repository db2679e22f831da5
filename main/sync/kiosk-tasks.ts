import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { appendOutbox, outboxCounts, pruneSent } from '../db/outbox';
import { setTransactionStatus } from '../db/transactions';

/**
 * The kiosk's scheduled work (issue 4 "Scheduled work"). Each task takes its time from the injected
 * Clock and writes through the normal outbox path, so what it does reaches the cloud like any change.
 */
export interface HeartbeatInput {
  coins_available: number;
  hopper_ok: boolean;
  version: string;
}

/** Appends a kiosk.heartbeat event: health, inventory, version, outbox depth and oldest unsynced age. */
export function writeHeartbeat(db: KioskDb, clock: Clock, h: HeartbeatInput): number {
  const counts = outboxCounts(db);
  const oldest = counts.oldest_unsynced_at === null ? null : Date.parse(counts.oldest_unsynced_at);
  // A clock that jumped back makes the age negative: report 0 rather than refuse the heartbeat.
  const age = oldest === null || Number.isNaN(oldest) ? 0 : Math.max(0, Math.floor((clock.now().getTime() - oldest) / 1000));
  return appendOutbox(db, clock, 'kiosk.heartbeat', {
    coins_available: Math.max(0, Math.floor(h.coins_available)),
    hopper_ok: h.hopper_ok,
    outbox_depth: counts.outbox_depth,
    version: h.version.slice(0, 100),
    oldest_unsynced_age_s: age,
  });
}

/** Local retention: synced outbox rows older than `days` are pruned; unsynced ones never. */
export function pruneSynced(db: KioskDb, clock: Clock, days: number): number {
  return pruneSent(db, new Date(clock.now().getTime() - days * 86_400_000));
}

/**
 * Local transaction expiry: a transaction still `created` or `verified` (never paid, so no job can be
 * on its way) after `ttlSec` is expired, with its audit event and outbox row. Paid ones are never
 * touched here: their job may still arrive (PRODUCT.md "A job already received keeps going").
 */
export function expireStaleTransactions(db: KioskDb, clock: Clock, ttlSec: number): string[] {
  const cutoff = new Date(clock.now().getTime() - ttlSec * 1000).toISOString();
  const ids = db
    .prepare("SELECT id FROM transactions WHERE status IN ('created','verified') AND created_at < ? ORDER BY created_at")
    .pluck()
    .all(cutoff) as string[];
  for (const id of ids) setTransactionStatus(db, clock, id, { status: 'expired', reason: `not paid within ${ttlSec} s` });
  return ids;
}
