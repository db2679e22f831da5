import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../contract/clock';
import { isCcTalkError } from './cctalk/errors';
import type { ChecksumMode } from './cctalk/frame';
import type { CcTalkHopper, DispenseForm, DispenseReplyForm, HopperStatus } from './cctalk/hopper';
import { type CcTalkLink, type SerialBinding, openCcTalkPort } from './cctalk/open-port';
import { decideFromCounters, faultOf, faultsFromFlags, levelFrom, toDispenserError } from './cctalk-counters';
import {
  type Dispenser, DispenserError, type DispenserHealth, type DispenserIdentity,
  type OpenPayoutIntent, type PayoutJournalPort, type PayoutRequest, type PayoutResult, type SettledIntent,
} from './dispenser';
import { payoutRun } from './cctalk-payout';

export interface CcTalkDispenserOptions {
  path: string;
  address?: number;
  baudRate?: number;
  echo?: boolean;
  dispenseForm?: DispenseForm;
  replyForm?: DispenseReplyForm;
  checksum?: ChecksumMode;
  journal: PayoutJournalPort;
  clock: Clock;
  log: Logger;
  /** Poll 166 about this often while paying (cctalk-hopper.md: about every 100 ms). */
  statusPollMs?: number;
  replyTimeoutMs?: number;
  /** Consecutive unreadable status polls (each already retried) before a payout is left in doubt. */
  maxStatusFailures?: number;
  binding?: SerialBinding;
}

export type CcTalkDispenser = Dispenser & {
  /** The typed command set, for the technician CLI; null while closed. */
  readonly hopper: CcTalkHopper | null;
};

const CoinsSchema = z.number().int().min(1).max(255);

/** A Dispenser over a ccTalk hopper; obeys every rule in dispenser.ts. */
export function createCcTalkDispenser(opts: CcTalkDispenserOptions): CcTalkDispenser {
  return new CcTalkDispenserImpl(opts);
}

class CcTalkDispenserImpl implements CcTalkDispenser {
  private link: CcTalkLink | null = null;
  private identity: DispenserIdentity | null = null;
  private serialNumber: number | null = null;
  private inFlight: Promise<unknown> | null = null;
  private closing = false;

  constructor(private readonly o: CcTalkDispenserOptions) {}

  get hopper(): CcTalkHopper | null {
    return this.link?.hopper ?? null;
  }

  async open(): Promise<void> {
    if (this.link) return;
    this.closing = false;
    try {
      this.link = await openCcTalkPort({ ...this.o, log: this.o.log });
    } catch (e) {
      throw toDispenserError(e, `opening ${this.o.path}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.inFlight?.catch(() => undefined);
    await this.link?.close();
    this.link = null;
  }

  async health(): Promise<DispenserHealth> {
    const h = this.requireHopper();
    try {
      await h.simplePoll();
      this.identity ??= await h.identify();
      this.serialNumber = this.identity.serial;
      const faults = faultsFromFlags((await h.test()).flags).filter((f) => f !== 'disabled'); // disabled between payouts is normal
      const hl = await h.highLow().catch(() => null);
      return { connected: true, identity: this.identity, faults, level: levelFrom(hl, faults) };
    } catch (e) {
      if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'reading health');
      return { connected: false, identity: this.identity, faults: [faultOf(e)], level: 'unknown' };
    }
  }

  payout(request: PayoutRequest): Promise<PayoutResult> {
    if (this.inFlight) return Promise.reject(new DispenserError('busy', 'a payout or settle is already running; wait for it'));
    return this.exclusive(() => this.doPayout(request));
  }

  settleInDoubt(): Promise<SettledIntent[]> {
    if (this.inFlight) return Promise.reject(new DispenserError('busy', 'a payout or settle is already running; wait for it'));
    return this.exclusive(async () => {
      const settled: SettledIntent[] = [];
      for (const intent of this.o.journal.openIntents()) {
        const s = await this.settleOne(intent);
        if (s) settled.push(s);
      }
      return settled;
    });
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = fn();
    this.inFlight = run;
    try {
      return await run;
    } finally {
      this.inFlight = null;
    }
  }

  private requireHopper(): CcTalkHopper {
    if (this.closing || !this.link) throw new DispenserError('closed', 'the dispenser is closed; open() it first');
    return this.link.hopper;
  }

  private async serial(): Promise<number> {
    this.serialNumber ??= await this.requireHopper().serialNumber();
    return this.serialNumber;
  }

  private async doPayout(request: PayoutRequest): Promise<PayoutResult> {
    const coins = CoinsSchema.safeParse(request.coins);
    if (!coins.success) throw new DispenserError('refused', `a payout is 1–255 coins, not ${request.coins}`);
    if (this.o.journal.openIntents().length > 0) {
      throw new DispenserError('in_doubt', 'an earlier payout is in doubt: run settleInDoubt() before paying again');
    }
    const h = this.requireHopper();
    let before: HopperStatus;
    let dispenseCount: number;
    let serial: number;
    try {
      serial = await this.serial();
      before = await h.status();
      dispenseCount = await h.dispenseCount();
    } catch (e) {
      throw toDispenserError(e, 'reading the hopper before a payout (nothing was journaled or paid)');
    }
    if (before.remaining > 0) throw new DispenserError('busy', 'the hopper is still paying an earlier payout; wait and settle it');
    const intent = { jobId: request.jobId, hopperSerial: serial, eventCounter: before.eventCounter, dispenseCount, coins: coins.data };
    const intentId = this.o.journal.recordIntent(intent); // durable before 167 (dispenser.ts rule 1)
    return payoutRun({
      hopper: h,
      journal: this.o.journal,
      log: this.o.log,
      intent: { ...intent, id: intentId, createdAt: this.o.clock.now().toISOString() },
      form: { kind: this.o.dispenseForm ?? 'serial', serial, replyForm: this.o.replyForm ?? 'event_counter' },
      statusPollMs: this.o.statusPollMs ?? 100,
      maxStatusFailures: this.o.maxStatusFailures ?? 10,
      onProgress: request.onProgress,
    });
  }

  private async settleOne(intent: OpenPayoutIntent): Promise<SettledIntent | null> {
    const h = this.requireHopper();
    const serial = await this.serial().catch((e: unknown) => Promise.reject(toDispenserError(e, 'reading the hopper serial')));
    if (serial !== intent.hopperSerial) {
      this.o.log.error({ intentId: intent.id, expected: intent.hopperSerial, found: serial }, 'open payout intent belongs to another hopper; a technician must settle it');
      return null;
    }
    try {
      for (;;) {
        const status = await h.status();
        const d = decideFromCounters(intent, status, await h.dispenseCount());
        if (d.stillPaying) {
          await new Promise((r) => setTimeout(r, this.o.statusPollMs ?? 100));
          continue;
        }
        this.o.journal.recordOutcome(intent.id, { coinsPaid: d.coinsPaid, eventCounterAfter: status.eventCounter, settledBy: 'startup' });
        this.o.log.info({ intentId: intent.id, jobId: intent.jobId, coinsPaid: d.coinsPaid, evidence: d.evidence }, 'in-doubt payout settled from counters');
        return { intentId: intent.id, jobId: intent.jobId, coinsRequested: intent.coins, coinsPaid: d.coinsPaid, evidence: d.evidence };
      }
    } catch (e) {
      throw toDispenserError(e, 'settling an in-doubt payout (it stays open)');
    }
  }
}
