import { z } from 'zod';
import { type Clock, newId } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import type { OpenPayoutIntent, PayoutIntentInput, PayoutJournalPort, PayoutOutcomeInput, PayoutProof } from './dispenser';

/** PayoutJournal.paidForJob. */
export interface JobPayouts {
  coinsPaid: number;
  openIntents: number;
  settledByHand: number;
  intents: number;
  lastProof: PayoutProof | null;
}

const IntentSchema = z.object({
  jobId: z.string().min(1),
  hopperSerial: z.number().int().min(0).max(0xffffff),
  eventCounter: z.number().int().min(0).max(255),
  dispenseCount: z.number().int().min(0),
  coins: z.number().int().min(1),
});
const OutcomeSchema = z.object({
  coinsPaid: z.number().int().min(0),
  eventCounterAfter: z.number().int().min(0).max(255).nullable(),
  settledBy: z.enum(['reply', 'status', 'startup', 'technician']),
  proof: z.enum(['not_taken', 'power_cut', 'counted']).optional(),
});

/**
 * Job ids of technician payouts (admin test dispense, technician CLI): journaled like any payout so
 * the hopper's counters stay explained, never a customer's dispense job.
 */
export const TECHNICIAN_JOB_PREFIX = 'tech-test-';

export class PayoutJournalError extends Error {
  constructor(
    readonly code: 'unknown_intent' | 'already_settled' | 'too_many_coins',
    message: string,
  ) {
    super(message);
    this.name = 'PayoutJournalError';
  }
}

interface IntentRow {
  id: string;
  job_id: string;
  hopper_serial: number;
  event_counter_before: number;
  dispense_count_before: number;
  coins: number;
  created_at: string;
  outcome: string | null;
}

/**
 * The payout journal (tables payout_intents, hopper_inventory in 001_initial.sql) over a db from
 * openKioskDb (synchronous=FULL: each statement is durable when it returns). The one module that
 * reads or writes payout_intents: the dispenser writes through it, the payout runner and the admin
 * screen read through it. Every write is one
 * transaction; the inventory only falls by coins the hopper's counters proved paid.
 */
export class PayoutJournal implements PayoutJournalPort {
  constructor(
    private readonly db: KioskDb,
    private readonly clock: Clock,
  ) {}

  recordIntent(intent: PayoutIntentInput): string {
    const i = IntentSchema.parse(intent);
    const id = newId();
    const r = this.db
      .prepare(
        `INSERT INTO payout_intents (id, job_id, hopper_serial, event_counter_before, dispense_count_before, coins, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, i.jobId, i.hopperSerial, i.eventCounter, i.dispenseCount, i.coins, this.clock.now().toISOString());
    if (r.changes !== 1) throw new Error(`payout intent insert changed ${r.changes} rows`);
    return id;
  }

  /** Settles an open intent once: outcome paid / partial / unpaid from the proven coins. */
  recordOutcome(intentId: string, outcome: PayoutOutcomeInput): void {
    const o = OutcomeSchema.parse(outcome);
    this.db.transaction(() => {
      const row = this.row(intentId);
      if (!row) throw new PayoutJournalError('unknown_intent', `no payout intent ${intentId}`);
      if (row.outcome !== null) throw new PayoutJournalError('already_settled', `payout intent ${intentId} is already settled (${row.outcome})`);
      if (o.coinsPaid > row.coins) throw new PayoutJournalError('too_many_coins', `intent ${intentId} asked for ${row.coins} coins, not ${o.coinsPaid}`);
      const label = o.coinsPaid === row.coins ? 'paid' : o.coinsPaid === 0 ? 'unpaid' : 'partial';
      const r = this.db
        .prepare(
          `UPDATE payout_intents SET outcome = ?, coins_paid = ?, event_counter_after = ?, settled_by = ?, settled_at = ?, proof = ?
           WHERE id = ? AND outcome IS NULL`,
        )
        .run(label, o.coinsPaid, o.eventCounterAfter, o.settledBy, this.clock.now().toISOString(), o.proof ?? 'counted', intentId);
      if (r.changes !== 1) throw new Error(`payout outcome update changed ${r.changes} rows`);
      this.decrementInventory(o.coinsPaid);
    })();
  }

  openIntents(): OpenPayoutIntent[] {
    const rows = this.db.prepare('SELECT * FROM payout_intents WHERE outcome IS NULL ORDER BY created_at, id').all() as IntentRow[];
    return rows.map((r) => ({
      id: r.id,
      jobId: r.job_id,
      hopperSerial: r.hopper_serial,
      eventCounter: r.event_counter_before,
      dispenseCount: r.dispense_count_before,
      coins: r.coins,
      createdAt: r.created_at,
    }));
  }

  /** How one intent was settled (outcome null while it is open); null for an unknown intent id. */
  intent(intentId: string): { outcome: string | null; coinsPaid: number | null; settledBy: string | null } | null {
    const r = this.db.prepare('SELECT outcome, coins_paid AS coinsPaid, settled_by AS settledBy FROM payout_intents WHERE id = ?').get(intentId);
    return (r as { outcome: string | null; coinsPaid: number | null; settledBy: string | null } | undefined) ?? null;
  }

  /**
   * What the journal proves was paid for one job: the sum over its settled intents, how many of its
   * intents are still open (in doubt), how many it has in all, and how the latest one was proven
   * (null while open or for an intent settled before migration 004).
   */
  paidForJob(jobId: string): JobPayouts {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM(CASE WHEN outcome IS NOT NULL THEN coins_paid ELSE 0 END), 0) AS paid,
                COALESCE(SUM(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END), 0) AS open,
                COALESCE(SUM(CASE WHEN settled_by = 'technician' THEN 1 ELSE 0 END), 0) AS by_hand,
                COUNT(*) AS intents
         FROM payout_intents WHERE job_id = ?`,
      )
      .get(jobId) as { paid: number; open: number; by_hand: number; intents: number };
    const last = this.db
      .prepare('SELECT proof FROM payout_intents WHERE job_id = ? ORDER BY created_at DESC, id DESC LIMIT 1')
      .pluck()
      .get(jobId) as PayoutProof | null | undefined;
    return { coinsPaid: row.paid, openIntents: row.open, settledByHand: row.by_hand, intents: row.intents, lastProof: last ?? null };
  }

  /** Total coins the journal says were paid (sum over settled intents). */
  coinsPaidTotal(): number {
    return (this.db.prepare('SELECT COALESCE(SUM(coins_paid), 0) FROM payout_intents').pluck().get() as number) ?? 0;
  }

  /** Coins in the hopper as far as the kiosk knows; null until a technician sets it at refill. */
  getInventory(): number | null {
    const v = this.db.prepare('SELECT coins FROM hopper_inventory WHERE id = 1').pluck().get() as number | undefined;
    return v ?? null;
  }

  setInventory(coins: number): void {
    const c = z.number().int().min(0).parse(coins);
    this.db
      .prepare('INSERT INTO hopper_inventory (id, coins, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET coins = excluded.coins, updated_at = excluded.updated_at')
      .run(c, this.clock.now().toISOString());
  }

  /** Lowers the inventory by proven coins paid (never below 0); a no-op while no inventory is set. */
  decrementInventory(coinsPaid: number): void {
    const c = z.number().int().min(0).parse(coinsPaid);
    if (c === 0) return;
    this.db.prepare('UPDATE hopper_inventory SET coins = MAX(coins - ?, 0), updated_at = ? WHERE id = 1').run(c, this.clock.now().toISOString());
  }

  private row(id: string): IntentRow | undefined {
    return this.db.prepare('SELECT * FROM payout_intents WHERE id = ?').get(id) as IntentRow | undefined;
  }
}
