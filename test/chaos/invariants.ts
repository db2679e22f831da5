import { FINAL_TRANSACTION_STATUSES } from '../../contract/transaction';

/**
 * The money invariants every chaos run is checked against (issue 8 "Chaos"; PRODUCT.md "Money
 * rules"). The hopper simulator's own count of coins that left it is the truth; the kiosk's
 * SQLite and the cloud's Postgres must agree with it. Pure: the runner gathers a RunRecord per
 * cash-out after the system settled, and these functions judge it.
 */
export interface KioskJobRecord {
  id: string;
  status: string;
  coins: number;
  coins_paid: number;
}
export interface RunRecord {
  run: number;
  scenario: string;
  transactionId: string;
  /** Coins the cash-out ordered (a claim: the coins its job was to pay from the person's credits). */
  coins: number;
  /** Issue 15: a claim pays owed coins from credits and never opens one; absent = a cash-out. */
  kind?: 'cash_out' | 'claim';
  /** A claim: coins the credits ledger shows it collected (the source credit's coins_collected grew by this much). */
  collected?: number;
  /** Coins that left the hopper during this run (the simulator's own count). */
  hopperCoins: number;
  /** Coins asked for by each 167 the hopper accepted during this run. */
  dispenses: number[];
  kiosk: { status: string; coins_paid: number | null; jobs: KioskJobRecord[]; kind?: 'cash_out' | 'claim'; coins?: number } | null;
  cloud: { status: string; coins_paid: number | null; job: { id: string; status: string; coins_paid: number | null } | null } | null;
  /** The cloud's credits for this transaction (issue 15: at most one; coins = the shortfall it owes). */
  credits: Array<{ coins: number; state: string; reason?: string; coins_collected?: number }>;
  outboxUnsent: number;
  /** The system reached a final state for this transaction before the settle timeout. */
  settled: boolean;
}

export const INVARIANTS = [
  'coins_paid_le_ordered',
  'hopper_eq_kiosk',
  'kiosk_eq_cloud',
  'one_job_per_transaction',
  'shortfall_owed',
  'no_coin_outside_session',
  'outbox_empty',
  'no_stuck_transaction',
  /** The run's scenario caused what it names (a late payment, a cancel racing a job, a kill mid-claim): a scenario cannot silently test nothing. */
  'scenario_reached',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Violation {
  run: number;
  scenario: string;
  transactionId: string;
  invariant: InvariantName;
  detail: string;
}

const FINAL_JOB = ['completed', 'partial', 'failed'];

export function checkRun(r: RunRecord): Violation[] {
  const out: Violation[] = [];
  const fail = (invariant: InvariantName, detail: string) => out.push({ run: r.run, scenario: r.scenario, transactionId: r.transactionId, invariant, detail });
  const kioskPaid = r.kiosk?.coins_paid ?? 0;
  const cloudPaid = r.cloud?.coins_paid ?? 0;
  // Issue 13: a job's rest may be asked once more (one retry after a proven not-taken or power-cut payout),
  // so a hopper accepts at most two dispenses per job, neither larger than the order.
  const asked = r.dispenses.reduce((a, b) => a + b, 0);
  const askedTooMuch = r.dispenses.length > 2 || r.dispenses.some((n) => n > r.coins);

  if (r.hopperCoins > r.coins || askedTooMuch) {
    fail('coins_paid_le_ordered', `ordered ${r.coins}, the hopper paid ${r.hopperCoins} and was asked for ${asked} (${r.dispenses.join('+') || 'none'})`);
  }
  const jobPaid = (r.kiosk?.jobs ?? []).reduce((a, j) => a + j.coins_paid, 0);
  if (r.hopperCoins !== kioskPaid || jobPaid !== kioskPaid) {
    fail('hopper_eq_kiosk', `hopper paid ${r.hopperCoins}, kiosk transaction says ${kioskPaid}, kiosk job says ${jobPaid}`);
  }
  if (kioskPaid !== cloudPaid || (r.cloud?.job && (r.cloud.job.coins_paid ?? 0) !== kioskPaid)) {
    fail('kiosk_eq_cloud', `kiosk says ${kioskPaid} coins, cloud transaction ${cloudPaid}, cloud job ${r.cloud?.job?.coins_paid ?? 'none'}`);
  }
  const kioskJobs = r.kiosk?.jobs ?? [];
  if (kioskJobs.length > 1 || (r.cloud?.job && kioskJobs[0] && kioskJobs[0].id !== r.cloud.job.id)) {
    fail('one_job_per_transaction', `kiosk jobs ${kioskJobs.map((j) => j.id).join(',')}; cloud job ${r.cloud?.job?.id ?? 'none'}`);
  }
  const hadJob = kioskJobs.length > 0 || r.cloud?.job != null;
  const shortfallProblem = r.kind === 'claim' ? claimLedgerProblem(r) : cashOutLedgerProblem(r, hadJob);
  if (shortfallProblem) fail('shortfall_owed', shortfallProblem);
  // Issue 15 presence rule: no coin leaves unless its transaction was the live session, i.e. the kiosk admitted its job.
  if (r.hopperCoins > 0 && kioskJobs.length === 0) {
    fail('no_coin_outside_session', `the hopper paid ${r.hopperCoins} coins for a transaction whose job the kiosk never admitted (not the live session)`);
  }
  if (r.outboxUnsent !== 0) fail('outbox_empty', `${r.outboxUnsent} outbox events never reached the cloud`);
  const kioskFinal = r.kiosk !== null && FINAL_TRANSACTION_STATUSES.includes(r.kiosk.status as never) && kioskJobs.every((j) => FINAL_JOB.includes(j.status));
  // A cash-out the cloud never heard of is final when the kiosk ended it without a job.
  const cloudFinal = r.cloud ? FINAL_TRANSACTION_STATUSES.includes(r.cloud.status as never) && (!r.cloud.job || FINAL_JOB.includes(r.cloud.job.status)) : !hadJob;
  if (!r.settled || !kioskFinal || !cloudFinal) {
    fail('no_stuck_transaction', `kiosk ${r.kiosk?.status ?? 'missing'} (jobs ${kioskJobs.map((j) => j.status).join(',') || 'none'}), cloud ${r.cloud?.status ?? 'absent'} (job ${r.cloud?.job?.status ?? 'none'})`);
  }
  return out;
}

/**
 * Issue 15: every shortfall has exactly one credit, and coins paid + credits open or collected = coins ordered.
 * A transaction with a job, or one the cloud owes anything for (a late or cancelled payment), is checked.
 * A credit's collected coins never exceed it, and it is `collected` exactly when all of them are.
 */
function cashOutLedgerProblem(r: RunRecord, hadJob: boolean): string | null {
  const shortfall = r.coins - r.hopperCoins;
  const owedCoins = r.credits.filter((c) => c.state === 'open' || c.state === 'collected').reduce((a, c) => a + c.coins, 0);
  const checked = hadJob || r.credits.length > 0;
  if (checked && (r.credits.length > 1 || (shortfall > 0 && r.credits.length !== 1) || r.hopperCoins + owedCoins !== r.coins)) {
    return `${shortfall} coins unpaid, hopper paid ${r.hopperCoins}, credits ${JSON.stringify(r.credits)} (paid + open or collected must be ${r.coins})`;
  }
  const bad = r.credits.find((c) => c.coins_collected !== undefined && (c.coins_collected > c.coins || (c.state === 'collected') !== (c.coins_collected === c.coins)));
  return bad ? `credit ${JSON.stringify(bad)}: collected coins beyond it, or its state does not say whether all were collected` : null;
}

/**
 * Issue 15, collect: a claim never opens a credit of its own (what it did not pay stays open on the credits
 * it drew from), and the ledger collects exactly the coins its payout proved: no more, no fewer.
 */
function claimLedgerProblem(r: RunRecord): string | null {
  if (r.credits.length > 0) return `a claim opened credits of its own: ${JSON.stringify(r.credits)}`;
  if (r.collected !== undefined && r.collected !== r.hopperCoins) return `the hopper paid ${r.hopperCoins} coins for the claim, the credits ledger collected ${r.collected}`;
  return null;
}

/** Counts, per invariant, how many runs were checked and how many broke it. */
export function tally(records: RunRecord[], violations: Violation[]): Record<InvariantName, { checked: number; violated: number }> {
  const t = Object.fromEntries(INVARIANTS.map((n) => [n, { checked: records.length, violated: 0 }])) as Record<InvariantName, { checked: number; violated: number }>;
  for (const v of violations) t[v.invariant].violated += 1;
  return t;
}
