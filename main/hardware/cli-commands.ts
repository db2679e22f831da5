import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Clock, newId } from '../../contract/clock';
import { DEFAULT_KIOSK_DATA_DIR } from '../config';
import { openKioskDb } from '../db/open-db';
import { CcTalkError } from './cctalk/errors';
import { type SerialBinding, openCcTalkPort } from './cctalk/open-port';
import type { CcTalkHopper } from './cctalk/hopper';
import { createCcTalkDispenser } from './cctalk-dispenser';
import { faultsFromFlags } from './cctalk-counters';
import { type DataFolderLock, DataFolderLockedError, lockDataFolder } from './data-folder-lock';
import { DispenserError } from './dispenser';
import { PayoutJournal, TECHNICIAN_JOB_PREFIX } from './payout-journal';

export const CliArgsSchema = z.object({
  port: z.string().min(1, '--port PATH is required (e.g. /dev/ttyUSB0)'),
  address: z.coerce.number().int().min(2).max(255).default(3),
  baud: z.coerce.number().int().positive().default(9600),
  echo: z.enum(['on', 'off']).default('on'),
  /** The kiosk's data folder (KIOSK_DATA_DIR): its journal is the one every payout is written to. */
  dataDir: z.string().min(1).default(process.env.KIOSK_DATA_DIR ?? DEFAULT_KIOSK_DATA_DIR),
  command: z.discriminatedUnion('name', [
    z.object({ name: z.enum(['probe', 'status', 'test', 'reset', 'stop']) }),
    z.object({ name: z.literal('dispense'), coins: z.coerce.number().int().min(1).max(255) }),
  ]),
});
export type CliArgs = z.infer<typeof CliArgsSchema>;

/** Hoppers take a moment to restart after 1 (reset device); SCH2/Flow manuals give well under 1 s. */
const RESET_WAIT_MS = 500;

export type CliOutput = { ok: boolean; command: string } & Record<string, unknown>;

export interface CliDeps {
  log: Logger;
  clock: Clock;
  binding?: SerialBinding;
}

/** A refusal the technician can act on (exit code 1, nothing sent to the hopper). */
class CliRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one technician command; never throws: failures become `{ok:false, error:{code, message}}`.
 * Rules (issue 13): the CLI shares the kiosk's data folder. It takes the folder's lock first, so it
 * refuses every command while the kiosk core runs (both would drive one serial line), and the kiosk
 * cannot start while a CLI command runs. A dispense is journaled in the kiosk's own journal under a
 * technician job id, and refused while any payout intent is open: the hopper's counters must explain
 * that intent alone (a dispense in between would be booked to the customer's payout). A reset is
 * refused then too: it zeroes the event counter the intent is settled from.
 */
export async function runCliCommand(args: CliArgs, deps: CliDeps): Promise<CliOutput> {
  const command = args.command.name;
  let lock: DataFolderLock | null = null;
  try {
    const journalPath = join(args.dataDir, 'kiosk.sqlite');
    const hasJournal = existsSync(journalPath);
    if (command === 'dispense' && !hasJournal) {
      throw new CliRefusal('no_journal', `no kiosk journal at ${journalPath}: pass --data-dir (the kiosk's KIOSK_DATA_DIR) so the payout is journaled with the kiosk's`);
    }
    if (hasJournal) lock = lockDataFolder(args.dataDir, `technician CLI pid ${process.pid}`);
    const open = hasJournal ? openIntentCount(journalPath, deps.clock) : 0;
    if ((command === 'dispense' || command === 'reset') && open > 0) {
      throw new CliRefusal('in_doubt', `${open} payout intent(s) are open in the kiosk's journal: start the kiosk so it settles them from the hopper's counters (or settle by hand on the admin screen) before a technician ${command}`);
    }
    if (args.command.name === 'dispense') return await dispense(args, journalPath, args.command.coins, deps);
    const link = await openCcTalkPort({ path: args.port, address: args.address, baudRate: args.baud, echo: args.echo === 'on', binding: deps.binding, log: deps.log });
    try {
      return { ok: true, command, ...(await simpleCommand(link.hopper, args.command.name)) };
    } finally {
      await link.close();
    }
  } catch (e) {
    return { ok: false, command, error: describeError(e) };
  } finally {
    lock?.release();
  }
}

function openIntentCount(journalPath: string, clock: Clock): number {
  const db = openKioskDb(journalPath);
  try {
    return new PayoutJournal(db, clock).openIntents().length;
  } finally {
    db.close();
  }
}

async function simpleCommand(h: CcTalkHopper, name: 'probe' | 'status' | 'test' | 'reset' | 'stop'): Promise<Record<string, unknown>> {
  switch (name) {
    case 'probe':
      return await h.identify();
    case 'status': {
      const s = await h.status();
      return { event_counter: s.eventCounter, remaining: s.remaining, paid: s.paid, unpaid: s.unpaid, dispense_count: await h.dispenseCount() };
    }
    case 'test': {
      const t = await h.test();
      return { registers: t.registers, flags: t.flags, faults: faultsFromFlags(t.flags) };
    }
    case 'reset':
      await h.reset(RESET_WAIT_MS);
      return {};
    case 'stop':
      return { coins_remaining: await h.emergencyStop() };
  }
}

/** Pays through the kiosk's journal under a technician job id, so even the CLI never pays twice. */
async function dispense(args: CliArgs, journalPath: string, coins: number, deps: CliDeps): Promise<CliOutput> {
  const db = openKioskDb(journalPath);
  const dispenser = createCcTalkDispenser({
    path: args.port, address: args.address, baudRate: args.baud, echo: args.echo === 'on',
    journal: new PayoutJournal(db, deps.clock), clock: deps.clock, log: deps.log, binding: deps.binding,
  });
  try {
    await dispenser.open();
    const jobId = `${TECHNICIAN_JOB_PREFIX}cli-${newId()}`;
    const r = await dispenser.payout({ jobId, coins, onProgress: (paid) => deps.log.info({ paid }, 'paying') });
    const status = await dispenser.hopper?.status().catch(() => null);
    const out = { command: 'dispense', requested: coins, paid: r.coinsPaid, unpaid: r.coinsUnpaid, event_counter: status?.eventCounter ?? null, intent_id: r.intentId, job_id: jobId, outcome: r.outcome };
    if (r.coinsPaid === coins) return { ok: true, ...out };
    return { ok: false, ...out, error: { code: r.fault ?? 'unknown', message: shortPayoutMessage(r.fault, r.coinsPaid, coins) } };
  } finally {
    await dispenser.close();
    db.close();
  }
}

function shortPayoutMessage(fault: string | null, paid: number, coins: number): string {
  const what: Record<string, string> = {
    empty: 'the hopper ran empty: refill it',
    jam: 'the hopper jammed: clear the coin path, then run "reset"',
    opto: 'an exit sensor is blocked: clean the optos, then run "reset"',
    power_up: 'the hopper lost power mid-payout: check the supply',
    disabled: 'the hopper refused to pay: run "test" and "reset"',
    stall: 'the hopper stopped paying and was stopped: check the coin exit, then run "reset"',
    no_reply: 'the hopper did not answer: check cable, power and address',
  };
  return `paid ${paid} of ${coins}: ${what[fault ?? ''] ?? 'run "test" to see the hopper flags'}`;
}

export function describeError(e: unknown): { code: string; message: string } {
  if (e instanceof DataFolderLockedError) return { code: 'kiosk_running', message: e.message };
  if (e instanceof CliRefusal || e instanceof CcTalkError || e instanceof DispenserError) return { code: e.code, message: e.message };
  if (e instanceof z.ZodError) return { code: 'usage', message: e.issues.map((i) => i.message).join('; ') };
  return { code: 'unknown', message: e instanceof Error ? e.message : String(e) };
}
