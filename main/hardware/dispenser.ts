/**
 * Dispenser: what the kiosk flow needs from a coin-paying device. Types only; every
 * implementation (ccTalk hopper today, another device family later) obeys these rules.
 *
 * Units: coins are whole coins of the kiosk's one denomination (US quarters); never cents.
 *
 * Rules every implementation obeys:
 * - `payout` journals an intent through `PayoutJournalPort.recordIntent` and that call has
 *   returned (the row is durable, synchronous=FULL) BEFORE the device is told to pay.
 * - `payout` never re-sends a pay command the device may have taken. When a reply is lost or
 *   corrupt it reads the device's own counters and decides from them (cctalk-hopper.md
 *   "Counters, and never paying twice").
 * - `payout` resolves with what the device's counters prove was paid; `coinsPaid + coinsUnpaid`
 *   equals the coins requested. It resolves (does not reject) when the device paid fewer coins
 *   (empty, jam): `outcome` is then 'partial' or 'failed' and `fault` says why.
 * - `payout` rejects with a `DispenserError` only when it cannot know what was paid; the intent
 *   then stays open (in doubt) and `settleInDoubt` must settle it before any further payout.
 * - `settleInDoubt` settles every open intent from the device's counters, never by paying, and
 *   returns what it decided. It runs at start-up and after every reconnect.
 * - `onProgress` is called with the running count of coins paid for this payout, never larger
 *   than the coins requested, never decreasing.
 * - `close` waits for a payout in progress to finish; a pending call rejects with code 'closed'.
 * - A device that goes away (unplugged) is reopened by the implementation in the background; while it
 *   is away `health()` resolves with `connected: false` and `payout` rejects with code 'line' before
 *   journaling anything. On every reconnect `settleInDoubt` runs before any other command.
 */

/**
 * 'stall': a payout stopped paying with coins left and no fault flag; the driver ended it with an
 * emergency stop, and reports the fault until a technician resets the hopper.
 * 'swapped': an open payout intent was journaled against another hopper (serial number).
 */
export type DispenserFault = 'jam' | 'empty' | 'opto' | 'power_up' | 'disabled' | 'stall' | 'swapped' | 'line' | 'no_reply' | 'unknown';

export interface DispenserIdentity {
  manufacturer: string;
  category: string;
  product: string;
  serial: number;
  software: string;
}

export interface DispenserHealth {
  connected: boolean;
  identity: DispenserIdentity | null;
  faults: DispenserFault[];
  /** Level sensors where fitted: 'low' below the low sensor, 'high' at/above the high sensor. */
  level: 'empty' | 'low' | 'ok' | 'high' | 'unknown';
}

export interface PayoutRequest {
  /** The dispense job (or a technician test id) this payout belongs to. */
  jobId: string;
  coins: number;
  /**
   * This payout is the rest of one cut by a hopper power cut (issue 13): the device pays it only once it
   * has been back for its settling time showing no fault but the power-up flag, with its counter still
   * at 0 (no pay command since the power-up); otherwise it rejects with code 'power_up' before journaling.
   */
  afterPowerCut?: boolean;
  onProgress?: (coinsPaid: number) => void;
}

export interface PayoutResult {
  jobId: string;
  intentId: string;
  coinsRequested: number;
  coinsPaid: number;
  coinsUnpaid: number;
  outcome: 'completed' | 'partial' | 'failed';
  fault: DispenserFault | null;
  /** How the counters proved it (PayoutProof). */
  proof: PayoutProof;
}

/**
 * How a payout's outcome was proven (journal column payout_intents.proof, migration 004). Only
 * 'not_taken' (nothing left the hopper, the pay command never left or was proven not taken) and
 * 'power_cut' (counter back at 0, paid = the dispense-count delta) may be followed by ONE retry of the
 * rest (kiosk/payout-runner.ts "Retry rule"); 'counted' never is (a short payout: empty, jam, stall).
 */
export type PayoutProof = 'not_taken' | 'power_cut' | 'counted';

export interface SettledIntent {
  intentId: string;
  jobId: string;
  coinsRequested: number;
  coinsPaid: number;
  /** How the counters proved it: the event counter moved or not, a power-cycle with the dispense-count delta. */
  evidence: string;
  proof: PayoutProof;
}

export interface Dispenser {
  open(): Promise<void>;
  close(): Promise<void>;
  health(): Promise<DispenserHealth>;
  payout(request: PayoutRequest): Promise<PayoutResult>;
  settleInDoubt(): Promise<SettledIntent[]>;
  /**
   * Optional (technician "reset hopper", issue 6; added by the admin engineer W2-D1): resets the
   * device, clearing latched flags (jam, power-up); the caller reads health() after. Rules: rejects
   * with 'busy' while a payout or settle runs, and with 'in_doubt' while an intent is open — a reset
   * zeroes the event counter the settlement compares against (cctalk-hopper.md "Counters").
   */
  reset?(): Promise<void>;
  /**
   * Optional: hears every change of what `health()` would report (connect, disconnect, faults,
   * level), so the UI and the admin screen stay fresh between polls. Returns an unsubscribe function.
   */
  watchHealth?(listener: (h: DispenserHealth) => void): () => void;
}

export class DispenserError extends Error {
  constructor(
    readonly code: DispenserFault | 'closed' | 'busy' | 'in_doubt' | 'refused',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DispenserError';
  }
}

/** What a payout intent records before the pay command goes out (cctalk-hopper.md "Counters"). */
export interface PayoutIntentInput {
  jobId: string;
  hopperSerial: number;
  /** The device's event counter (166) read just before the pay command. */
  eventCounter: number;
  /** The device's EEPROM dispense count (168) read just before the pay command. */
  dispenseCount: number;
  coins: number;
}

export interface PayoutOutcomeInput {
  /** Coins the device's counters prove were paid. */
  coinsPaid: number;
  eventCounterAfter: number | null;
  settledBy: 'reply' | 'status' | 'startup' | 'technician';
  /** How it was proven; absent: 'counted'. */
  proof?: PayoutProof;
}

export interface OpenPayoutIntent extends PayoutIntentInput {
  id: string;
  createdAt: string;
}

/**
 * The durable payout journal a Dispenser writes through. `recordIntent` returns only after the row
 * is on disk; `recordOutcome` settles an open intent exactly once (and lowers the known inventory by
 * the coins paid in the same transaction); an intent without outcome is in doubt.
 */
export interface PayoutJournalPort {
  recordIntent(intent: PayoutIntentInput): string;
  recordOutcome(intentId: string, outcome: PayoutOutcomeInput): void;
  openIntents(): OpenPayoutIntent[];
  /** Optional: coins in the hopper as counted (loaded at refill minus proven payouts); null until set. */
  getInventory?(): number | null;
}
