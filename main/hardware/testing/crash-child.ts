/**
 * Crash-test child (run with node_modules/.bin/tsx): a real createCcTalkDispenser on a pty with a real
 * SQLite journal file, doing what the kiosk does after every start — settle in-doubt intents from the
 * hopper's counters, then pay the job's proven unpaid remainder when the flow allows it, else
 * report it owed. The parent test SIGKILLs it at chosen moments. No crash hooks live in production
 * code: when `holdAfterIntent` is set this fixture wraps the journal port, reports the durable intent
 * and blocks, so the parent can kill it between the journal write and the 167.
 *
 * argv[2]: JSON of ChildArgs. stdout: one JSON line per event (written synchronously).
 */
import { writeSync } from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import { systemClock } from '../../../contract/clock';
import { openKioskDb } from '../../db/open-db';
import { createCcTalkDispenser } from '../cctalk-dispenser';
import type { PayoutJournalPort } from '../dispenser';
import { PayoutJournal } from '../payout-journal';

export const ChildArgsSchema = z.object({
  device: z.string().min(1),
  db: z.string().min(1),
  jobId: z.string().min(1),
  /** Coins the job ordered. */
  coins: z.number().int().min(1).max(255),
  holdAfterIntent: z.boolean().default(false),
  /** The flow allows paying the proven remainder (false: it is recorded as owed). */
  payRemainder: z.boolean().default(true),
  dispenseForm: z.enum(['serial', 'cipher8']).default('serial'),
  replyForm: z.enum(['event_counter', 'ack']).default('event_counter'),
});
export type ChildArgs = z.input<typeof ChildArgsSchema>;

export type ChildEvent =
  | { event: 'ready' }
  | { event: 'intent'; intentId: string; coins: number }
  | { event: 'settled'; settled: { jobId: string; coinsPaid: number; evidence: string }[] }
  | { event: 'paid'; coinsRequested: number; coinsPaid: number; outcome: string }
  | { event: 'owed'; coins: number }
  | { event: 'error'; code: string; message: string }
  | { event: 'done'; jobPaid: number };

const say = (e: ChildEvent): void => void writeSync(1, `${JSON.stringify(e)}\n`);

function holdingJournal(real: PayoutJournal): PayoutJournalPort {
  return {
    recordIntent(intent) {
      const id = real.recordIntent(intent); // durable (synchronous=FULL) when this returns
      say({ event: 'intent', intentId: id, coins: intent.coins });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); // the parent kills us here
      return id;
    },
    recordOutcome: (id, o) => real.recordOutcome(id, o),
    openIntents: () => real.openIntents(),
  };
}

async function main(): Promise<void> {
  const args = ChildArgsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const db = openKioskDb(args.db);
  const real = new PayoutJournal(db, systemClock);
  const dispenser = createCcTalkDispenser({
    path: args.device,
    journal: args.holdAfterIntent ? holdingJournal(real) : real,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    statusPollMs: 20,
    replyTimeoutMs: 150,
    dispenseForm: args.dispenseForm,
    replyForm: args.replyForm,
  });
  await dispenser.open();
  say({ event: 'ready' });
  const settled = await dispenser.settleInDoubt();
  say({ event: 'settled', settled: settled.map((s) => ({ jobId: s.jobId, coinsPaid: s.coinsPaid, evidence: s.evidence })) });
  const remainder = args.coins - real.paidForJob(args.jobId).coinsPaid;
  if (remainder > 0 && args.payRemainder) {
    const r = await dispenser.payout({ jobId: args.jobId, coins: remainder });
    say({ event: 'paid', coinsRequested: r.coinsRequested, coinsPaid: r.coinsPaid, outcome: r.outcome });
  } else if (remainder > 0) {
    say({ event: 'owed', coins: remainder });
  }
  say({ event: 'done', jobPaid: real.paidForJob(args.jobId).coinsPaid });
  await dispenser.close();
  db.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    say({ event: 'error', code: String((e as { code?: unknown }).code ?? 'error'), message: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  },
);
