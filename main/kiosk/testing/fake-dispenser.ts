import type { Dispenser, DispenserHealth, PayoutJournalPort, PayoutRequest, PayoutResult, SettledIntent } from '../../hardware/dispenser';
import { DispenserError } from '../../hardware/dispenser';

/**
 * A Dispenser for flow tests that journals through the real PayoutJournal (so the kiosk's reads of
 * payout_intents are exercised) and pays what the test says. `payable` caps the coins it pays
 * (a jam/empty after that many); `hold` keeps a payout open until released; `crash` makes payout
 * reject after journaling the intent (the in-doubt case). Settling pays `settleAs` coins.
 */
export class FakeDispenser implements Dispenser {
  payouts: PayoutRequest[] = [];
  settleCalls = 0;
  payable = Number.POSITIVE_INFINITY;
  crash = false;
  settleAs: number | null = null;
  /** How a settle proves its count when some coins left (0 coins: 'not_taken'); a crash mid-payout is a power cut of kiosk and hopper. */
  settleProof: 'power_cut' | 'counted' = 'power_cut';
  /** Settling throws this many times first (the counters unreadable). */
  settleFailures = 0;
  healthValue: DispenserHealth = { connected: true, identity: null, faults: [], level: 'ok' };
  private holdGate: Promise<void> | null = null;
  private releaseGate: (() => void) | null = null;
  private counter = 0;

  constructor(private readonly journal: PayoutJournalPort) {}

  hold(): void {
    this.holdGate = new Promise((r) => (this.releaseGate = r));
  }
  release(): void {
    this.releaseGate?.();
    this.holdGate = null;
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {}
  async health(): Promise<DispenserHealth> {
    return this.healthValue;
  }

  async payout(req: PayoutRequest): Promise<PayoutResult> {
    this.payouts.push(req);
    const intentId = this.journal.recordIntent({ jobId: req.jobId, hopperSerial: 1, eventCounter: this.counter % 256, dispenseCount: 0, coins: req.coins });
    if (this.crash) throw new DispenserError('no_reply', 'the hopper stopped answering');
    const paid = Math.min(req.coins, this.payable);
    for (let i = 1; i <= paid; i++) {
      req.onProgress?.(i);
      if (i === 1 && this.holdGate) await this.holdGate;
    }
    this.counter += 1;
    this.journal.recordOutcome(intentId, { coinsPaid: paid, eventCounterAfter: this.counter % 256, settledBy: 'reply' });
    const outcome = paid === req.coins ? 'completed' : paid > 0 ? 'partial' : 'failed';
    return { jobId: req.jobId, intentId, coinsRequested: req.coins, coinsPaid: paid, coinsUnpaid: req.coins - paid, outcome, fault: paid < req.coins ? 'empty' : null, proof: 'counted' };
  }

  async settleInDoubt(): Promise<SettledIntent[]> {
    this.settleCalls += 1;
    if (this.settleFailures > 0 && this.journal.openIntents().length > 0) {
      this.settleFailures -= 1;
      throw new DispenserError('no_reply', 'the hopper counters could not be read');
    }
    return this.journal.openIntents().map((i) => {
      const paid = Math.min(this.settleAs ?? 0, i.coins);
      const proof = paid === 0 ? 'not_taken' : this.settleProof;
      this.journal.recordOutcome(i.id, { coinsPaid: paid, eventCounterAfter: null, settledBy: 'startup', proof });
      return { intentId: i.id, jobId: i.jobId, coinsRequested: i.coins, coinsPaid: paid, evidence: 'test', proof };
    });
  }
}
