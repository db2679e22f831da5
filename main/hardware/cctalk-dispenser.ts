import type { Logger } from 'pino';
import { z } from 'zod';
import { backoffCeilingMs } from '../../contract/backoff';
import type { Clock } from '../../contract/clock';
import { isCcTalkError } from './cctalk/errors';
import type { ChecksumMode } from './cctalk/frame';
import { type CcTalkHopper, type DispenseForm, type DispenseReplyForm, type HopperStatus, MAX_COINS_PER_DISPENSE } from './cctalk/hopper';
import type { SerialBinding } from './cctalk/open-port';
import { CcTalkConnection, type ConnectionEvent, type ReconnectOptions } from './cctalk-connection';
import { faultOf, faultsFromFlags, latchedFaults, levelFrom, proofOf, shortPayoutFault, toDispenserError } from './cctalk-counters';
import { awaitSettledAfterPowerCut } from './cctalk-power-settle';
import { readBaseline, readSerialTwice } from './cctalk-baseline';
import { DEFAULT_PAYOUT_LIMITS, type PayoutLimits } from './cctalk-limits';
import { type DispenseReply, proveFromCounters } from './cctalk-proof';
import {
  type Dispenser, DispenserError, type DispenserFault, type DispenserHealth, type DispenserIdentity,
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
  /** 8-byte form only: send 161 (pump RNG) before the 160 (HOPPERS.md: unknown whether SCH builds need it). */
  pumpRng?: boolean;
  checksum?: ChecksumMode;
  journal: PayoutJournalPort;
  clock: Clock;
  log: Logger;
  /** Poll 166 about this often while paying (cctalk-hopper.md: about every 100 ms). */
  statusPollMs?: number;
  replyTimeoutMs?: number;
  /**
   * How late a reply may still arrive after its command failed (default max(1 s, 4 × replyTimeoutMs)):
   * a lower count is believed only from reads this long after the last line anomaly (cctalk-proof.ts).
   */
  staleReplyMs?: number;
  /** Consecutive unreadable status polls (each already retried) before a payout is left in doubt. */
  maxStatusFailures?: number;
  binding?: SerialBinding;
  /** Below this many counted coins (journal inventory) health reports level 'low' (default 40). */
  lowLevelCoins?: number;
  /** Backoff for re-opening the port after it was lost (unplugged) or could not be opened. */
  reconnect?: ReconnectOptions;
  /** A payout's time limits (cctalk-limits.ts); past them the driver sends emergency stop (172). */
  limits?: Partial<PayoutLimits>;
  /**
   * How long a hopper must have been back after a power cut, showing only the power-up flags, before
   * the rest of a cut payout is paid (cctalk-power-settle.ts; default 3 s).
   */
  powerSettlingMs?: number;
}

export type CcTalkDispenser = Dispenser & {
  /** The typed command set, for the technician CLI; null while closed. */
  readonly hopper: CcTalkHopper | null;
  watchHealth(listener: (h: DispenserHealth) => void): () => void;
};

const CoinsSchema = z.number().int().min(1).max(MAX_COINS_PER_DISPENSE);

const LATCHED_TEXT: Partial<Record<DispenserFault, string>> = {
  stall: 'stopped paying with coins left (a stall) and was stopped',
};

/** A Dispenser over a ccTalk hopper; obeys every rule in dispenser.ts. */
export function createCcTalkDispenser(opts: CcTalkDispenserOptions): CcTalkDispenser {
  return new CcTalkDispenserImpl(opts);
}

class CcTalkDispenserImpl implements CcTalkDispenser {
  private readonly conn: CcTalkConnection;
  private identity: DispenserIdentity | null = null;
  private serialNumber: number | null = null;
  private inFlight: { kind: 'payout' | 'settle' | 'reset'; run: Promise<unknown> } | null = null;
  private closing = true;
  private readonly watchers = new Set<(h: DispenserHealth) => void>();
  private lastHealth = '';
  /** What each 167 sent by this process proved and when it left (cctalk-proof.ts), until its intent is settled. */
  private readonly sent = new Map<string, { reply: DispenseReply; sentAt: number }>();
  /** A fault the hopper does not flag but the driver saw (a stall): reported by health until reset(). */
  private latched: DispenserFault | null = null;
  private readonly limits: PayoutLimits;

  constructor(private readonly o: CcTalkDispenserOptions) {
    this.conn = new CcTalkConnection({ ...o, log: o.log }, (e) => this.onConnection(e));
    this.limits = { ...DEFAULT_PAYOUT_LIMITS, ...o.limits };
  }

  get hopper(): CcTalkHopper | null {
    return this.conn.link?.hopper ?? null;
  }

  async open(): Promise<void> {
    this.closing = false;
    try {
      await this.conn.open(); // on failure it keeps retrying in the background
    } catch (e) {
      throw toDispenserError(e, `opening ${this.o.path}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.inFlight?.run.catch(() => undefined);
    await this.conn.close();
  }

  async health(): Promise<DispenserHealth> {
    if (this.closing) throw new DispenserError('closed', 'the dispenser is closed; open() it first');
    const h = this.conn.link?.hopper;
    if (!h) return this.publish(this.disconnectedHealth());
    try {
      await h.simplePoll();
      this.identity ??= { ...(await h.identify()), serial: await this.serial() };
      const flagged: DispenserFault[] = faultsFromFlags((await h.test()).flags).filter((f) => f !== 'disabled'); // disabled between payouts is normal
      const faults = this.latched && !flagged.includes(this.latched) ? [...flagged, this.latched] : flagged;
      // an open intent journaled against another hopper: only a technician can settle it (by hand)
      if (this.o.journal.openIntents().some((i) => i.hopperSerial !== this.identity?.serial)) faults.push('swapped');
      const hl = await h.highLow().catch(() => null);
      const counted = { coins: this.o.journal.getInventory?.() ?? null, lowAt: this.o.lowLevelCoins ?? 40 };
      return this.publish({ connected: true, identity: this.identity, faults, level: levelFrom(hl, faults, counted) });
    } catch (e) {
      if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'reading health');
      return this.publish({ connected: false, identity: this.identity, faults: [faultOf(e)], level: 'unknown' });
    }
  }

  watchHealth(listener: (h: DispenserHealth) => void): () => void {
    this.watchers.add(listener);
    return () => void this.watchers.delete(listener);
  }

  async payout(request: PayoutRequest): Promise<PayoutResult> {
    if (this.inFlight?.kind === 'settle') await this.inFlight.run.catch(() => undefined); // a settle after reconnect goes first
    if (this.inFlight) throw new DispenserError('busy', 'a payout or settle is already running; wait for it');
    return this.exclusive('payout', () => this.doPayout(request));
  }

  /** Waits for a payout or settle already running, then settles every open intent from the counters. */
  async settleInDoubt(): Promise<SettledIntent[]> {
    while (this.inFlight) await this.inFlight.run.catch(() => undefined);
    return this.exclusive('settle', async () => {
      const settled: SettledIntent[] = [];
      for (const intent of this.o.journal.openIntents()) {
        const s = await this.settleOne(intent);
        if (s) settled.push(s);
      }
      return settled;
    });
  }

  /** dispenser.ts `reset` rules; 500 ms covers the device's restart (as the CLI's "reset"). */
  reset(): Promise<void> {
    if (this.inFlight) return Promise.reject(new DispenserError('busy', 'a payout or settle is running; reset the hopper after it'));
    if (this.o.journal.openIntents().length > 0) {
      return Promise.reject(new DispenserError('in_doubt', 'settle the in-doubt payout first: a reset zeroes the event counter it is settled from'));
    }
    return this.exclusive('reset', async () => {
      try {
        await this.requireHopper().reset(500);
        this.latched = null;
      } catch (e) {
        throw toDispenserError(e, 'resetting the hopper');
      }
    });
  }

  private async exclusive<T>(kind: 'payout' | 'settle' | 'reset', fn: () => Promise<T>): Promise<T> {
    const run = fn();
    this.inFlight = { kind, run };
    try {
      return await run;
    } catch (e) {
      if (e instanceof DispenserError && e.code === 'swapped') [this.identity, this.serialNumber] = [null, null]; // read it again
      throw e;
    } finally {
      this.inFlight = null;
    }
  }

  /** After a reconnect the hopper may be another one, and every open intent is settled before anything else. */
  private onConnection(e: ConnectionEvent): void {
    this.identity = null;
    this.serialNumber = null;
    if (e === 'disconnected') return void this.publish(this.disconnectedHealth());
    void this.settleAfterReconnect();
  }

  /** Settles until it succeeds while the link stays up (a device that was just plugged in may not answer yet). */
  private async settleAfterReconnect(): Promise<void> {
    const link = this.conn.link;
    for (let attempt = 0, waitMs = 100; !this.closing && this.conn.link === link; waitMs = backoffCeilingMs(++attempt, { baseMs: 100, capMs: 5000 })) {
      try {
        const settled = await this.settleInDoubt();
        if (settled.length > 0) this.o.log.info({ settled: settled.length }, 'in-doubt payouts settled after reconnect');
        break;
      } catch (err) {
        this.o.log.warn({ err, retryInMs: waitMs }, 'could not settle in-doubt payouts after reconnect yet; they stay open');
        await new Promise((r) => setTimeout(r, waitMs).unref());
      }
    }
    if (!this.closing && this.conn.link === link) await this.health().catch(() => undefined);
  }

  private disconnectedHealth(): DispenserHealth {
    return { connected: false, identity: this.identity, faults: ['line'], level: 'unknown' };
  }

  /** Tells health watchers when what they would show changed. */
  private publish(h: DispenserHealth): DispenserHealth {
    const text = JSON.stringify(h);
    if (text !== this.lastHealth) {
      this.lastHealth = text;
      for (const w of this.watchers) w(h);
    }
    return h;
  }

  private requireHopper(): CcTalkHopper {
    if (this.closing) throw new DispenserError('closed', 'the dispenser is closed; open() it first');
    const h = this.conn.link?.hopper;
    if (!h) throw new DispenserError('line', `the hopper at ${this.o.path} is disconnected: check its USB cable; the kiosk reconnects by itself`);
    return h;
  }

  private async serial(): Promise<number> {
    this.serialNumber ??= await readSerialTwice(this.requireHopper());
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
      ({ status: before, dispenseCount } = await readBaseline(h, this.o.maxStatusFailures ?? 10));
    } catch (e) {
      throw toDispenserError(e, 'reading the hopper before a payout (nothing was journaled or paid)');
    }
    if (before.remaining > 0) throw new DispenserError('busy', 'the hopper is still paying an earlier payout; wait and settle it');
    if (this.latched) throw new DispenserError(this.latched, `the hopper ${LATCHED_TEXT[this.latched] ?? 'has a fault'}: a technician must check it and reset it`);
    // issue 13: a latched fault (163) found before the 167: the payout is not started, nothing is journaled
    const flagged = await h.test().then((t) => latchedFaults(t.flags), (e: unknown) => Promise.reject(toDispenserError(e, 'reading the hopper flags before a payout (nothing was journaled or paid)')));
    if (flagged.length > 0) {
      throw new DispenserError(shortPayoutFault(faultsFromFlags(flagged)), `the hopper reports ${flagged.join(', ')}: not started, nothing journaled or paid; a technician must clear it and reset the hopper`);
    }
    if (request.afterPowerCut) {
      await awaitSettledAfterPowerCut(h, { settlingMs: this.o.powerSettlingMs ?? 3000, pollMs: this.o.statusPollMs ?? 100, dispenseCount });
    }
    const intent = { jobId: request.jobId, hopperSerial: serial, eventCounter: before.eventCounter, dispenseCount, coins: coins.data };
    const intentId = this.o.journal.recordIntent(intent); // durable before 167 (dispenser.ts rule 1)
    const result = await payoutRun({
      hopper: h,
      journal: this.o.journal,
      log: this.o.log,
      intent: { ...intent, id: intentId, createdAt: this.o.clock.now().toISOString() },
      form: { kind: this.o.dispenseForm ?? 'serial', serial, replyForm: this.o.replyForm ?? 'event_counter', pumpRng: this.o.pumpRng ?? false },
      statusPollMs: this.o.statusPollMs ?? 100,
      maxStatusFailures: this.o.maxStatusFailures ?? 10,
      limits: this.limits,
      onSent: (sent) => this.sent.set(intentId, sent),
      onProgress: request.onProgress,
    });
    this.sent.delete(intentId);
    if (result.fault === 'stall') this.latched = 'stall';
    return result;
  }

  private async settleOne(intent: OpenPayoutIntent): Promise<SettledIntent | null> {
    const h = this.requireHopper();
    [this.identity, this.serialNumber] = [null, null]; // a hopper swapped behind the same port shows only in 242
    const serial = await this.serial().catch((e: unknown) => Promise.reject(toDispenserError(e, 'reading the hopper serial')));
    if (serial !== intent.hopperSerial) {
      this.o.log.error({ intentId: intent.id, expected: intent.hopperSerial, found: serial }, 'open payout intent belongs to another hopper (swapped): a technician must settle it by hand');
      return null;
    }
    try {
      const sent = this.sent.get(intent.id) ?? { reply: null, sentAt: null };
      const { decision: d, status, stopped } = await proveFromCounters({
        hopper: h, intent, ...sent, statusPollMs: this.o.statusPollMs ?? 100, maxStatusFailures: this.o.maxStatusFailures ?? 10, limits: this.limits,
      });
      this.sent.delete(intent.id);
      if (stopped && d.coinsPaid < intent.coins) this.latched = 'stall';
      const proof = proofOf(d.kind);
      this.o.journal.recordOutcome(intent.id, { coinsPaid: d.coinsPaid, eventCounterAfter: status.eventCounter, settledBy: 'startup', proof });
      this.o.log.info({ intentId: intent.id, jobId: intent.jobId, coinsPaid: d.coinsPaid, evidence: d.evidence }, 'in-doubt payout settled from counters');
      return { intentId: intent.id, jobId: intent.jobId, coinsRequested: intent.coins, coinsPaid: d.coinsPaid, evidence: d.evidence, proof };
    } catch (e) {
      if (e instanceof DispenserError && e.code === 'swapped') {
        this.o.log.error({ intentId: intent.id, err: e }, 'open payout intent belongs to another hopper (swapped): a technician must settle it by hand');
        return null;
      }
      throw toDispenserError(e, 'settling an in-doubt payout (it stays open)');
    }
  }
}
