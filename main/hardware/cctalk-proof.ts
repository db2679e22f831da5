/**
 * Proving what a payout paid from the hopper's counters, on a line where a reply may be stale
 * (cctalk-hopper.md "Counters, and never paying twice"; issue 8, serial fuzzer seed 11 case 151;
 * issue 13, ACK-form proof and stalls).
 *
 * ccTalk replies carry no sequence number (part 1 §12). A reply that arrives after its command timed
 * out, or a duplicated one, is taken as the answer to a later command. A stale 166 from before the
 * 167 shows the old event counter, which reads exactly like "dispense not taken, 0 paid", and a stale
 * 168 shows a smaller dispense count. The rules here:
 * - the driver reports only a count it has proven; anything else is in doubt (the intent stays open
 *   and `settleInDoubt` settles it later from the same rules);
 * - TAKEN: an ACK to the 167, a 167 reply carrying the next event counter, a 166 showing coins
 *   remaining, or a 168 that moved (coins seen leaving) proves the dispense was taken. A taken payout
 *   is never "not taken": a hopper whose event counter advances late (ACK form) is waited for;
 * - NOT TAKEN needs all of: no reply proving it taken, `remaining = 0`, the same reading twice from
 *   reads on a clean line taken at least the stale-reply window after the 167, and 163 showing no
 *   latched fault (cctalk-counters.ts `latchedFaults`);
 * - "event counter N+1, nothing remaining" cannot be forged by a stale reply (no earlier reply shows
 *   it), so two equal reads in a row prove it; the other lower counts (power-up delta, several
 *   dispenses) are believed only from two equal reads on a clean line;
 * - TIME LIMIT (cctalk-limits.ts): when a taken payout stops changing (no coin leaves, the counter
 *   does not advance) for `stallMs`, or runs past its time limit, the driver sends emergency stop
 *   (172) and decides from the counters: the last payout's count when the counter advanced, else the
 *   168 delta, each from two equal clean reads. The result says `stopped`.
 */
import type { CcTalkHopper, HopperStatus } from './cctalk/hopper';
import { nextEventCounter } from './cctalk/hopper';
import { isCcTalkError } from './cctalk/errors';
import { type CounterDecision, decideFromCounters, faultOf, latchedFaults } from './cctalk-counters';
import { type PayoutLimits, payoutDeadlineMs } from './cctalk-limits';
import { DispenserError, type OpenPayoutIntent } from './dispenser';

/** What the 167's own reply said: the event counter it carried, an ACK, or nothing usable (null). */
export type DispenseReply = { kind: 'event_counter'; ev: number } | { kind: 'ack' } | null;

export interface ProveFromCountersInput {
  hopper: CcTalkHopper;
  intent: OpenPayoutIntent;
  reply: DispenseReply;
  /** When the 167 left, on the line's clock (`line.now()`); null when long ago (another process, a reconnect). */
  sentAt: number | null;
  statusPollMs: number;
  /**
   * Consecutive unreadable reads before the payout is left in doubt; readings that prove nothing
   * (stale, contradictory, not yet confirmed on a clean line) are allowed max(4, this) times.
   */
  maxStatusFailures: number;
  limits: PayoutLimits;
  /** Longest wait for a clean line before a lower-count reading is confirmed (default 5 s). */
  cleanWaitMs?: number;
  onProgress?: (coinsPaid: number) => void;
}

export interface ProvenReading {
  decision: CounterDecision;
  status: HopperStatus;
  /** The payout was taken (ACK, counter, coins remaining or leaving): never re-sent, never "not taken". */
  taken: boolean;
  /** The payout hit its time limit and was ended with emergency stop (172). */
  stopped: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls 166/168 until a reading is proven (module rules); rejects with a DispenserError when in doubt. */
export async function proveFromCounters(x: ProveFromCountersInput): Promise<ProvenReading> {
  const { hopper: h, intent } = x;
  const line = h.line;
  const counterReply = x.reply?.kind === 'event_counter' && x.reply.ev === nextEventCounter(intent.eventCounter);
  let taken = counterReply || x.reply?.kind === 'ack';
  const startedAt = line.now();
  const limitAt = startedAt + payoutDeadlineMs(x.limits, intent.coins);
  let changedAt = startedAt;
  let lastKey = '';
  let stopped = false;
  let stopUntil = Number.POSITIVE_INFINITY;
  let candidate: { key: string; trusted: boolean } | null = null;
  let failures = 0;
  let unproven = 0;
  const maxUnproven = Math.max(4, x.maxStatusFailures);
  let lastError: unknown = null;
  let sameHopper = false;

  const timeUp = (): boolean => line.now() > limitAt || line.now() - changedAt > x.limits.stallMs;
  const stop = async (): Promise<void> => {
    stopped = true;
    candidate = null;
    try {
      await h.emergencyStop(); // 172: the motor stops; what it paid is then final in 166/168
    } catch (e) {
      if (isCcTalkError(e, 'closed') || isCcTalkError(e, 'disconnected')) throw inDoubt(e);
      lastError = e; // no usable reply: the counters still decide, within the settling time below
    }
    stopUntil = line.now() + x.limits.stallMs;
  };

  for (;;) {
    if (line.now() > stopUntil) throw inDoubt(lastError, 'the hopper did not come to rest after an emergency stop');
    if (!taken && line.now() > limitAt + x.limits.stallMs) throw inDoubt(lastError, 'no reading proved the payout taken or not taken in time');
    const before = line.anomalies;
    const wasClean = line.isClean();
    let status: HopperStatus;
    let reading: ProvenReading;
    try {
      status = await h.status();
      if (status.eventCounter === 0 && !sameHopper) {
        await requireSameHopper(h, intent); // counter 0: a power-up, maybe of another hopper behind the same port
        sameHopper = true;
      }
      const key = JSON.stringify(status);
      if (key !== lastKey) [lastKey, changedAt] = [key, line.now()];
      if (status.remaining > 0) {
        taken = true; // coins still to pay: a 167 was taken (the baseline showed 0 remaining)
        if (status.eventCounter !== intent.eventCounter && status.eventCounter !== 0) x.onProgress?.(status.paid);
        failures = 0;
        candidate = null;
        if (!stopped && timeUp()) await stop();
        else await sleep(x.statusPollMs);
        continue;
      }
      reading = { decision: decideFromCounters(intent, status, await h.dispenseCount()), status, taken, stopped };
      failures = 0;
    } catch (e) {
      if (e instanceof DispenserError) throw e; // swapped
      if (isCcTalkError(e, 'closed') || isCcTalkError(e, 'disconnected') || ++failures >= x.maxStatusFailures) throw inDoubt(e);
      lastError = e;
      candidate = null;
      await sleep(x.statusPollMs);
      continue;
    }
    let d = reading.decision;
    const counterNotMoved = d.kind === 'not_taken' || d.kind === 'conflict';
    if (d.kind === 'conflict') taken = true; // the 168 moved: coins were seen leaving
    if (counterNotMoved && taken) {
      if (counterReply && d.kind === 'not_taken') line.markSuspect(`counters show nothing after the 167 reply showed it taken: ${d.evidence}`);
      if (!stopped) {
        // taken, and the event counter has not shown it yet (ACK form, late counter; or a stale reading)
        candidate = null;
        if (timeUp()) await stop();
        else await sleep(x.statusPollMs);
        continue;
      }
      // stopped, and the counter never showed this payout: what left the hopper is the 168 delta
      if (d.countDelta < 0 || d.countDelta > intent.coins) throw inDoubt(lastError, `after an emergency stop: ${d.evidence}`);
      d = { coinsPaid: d.countDelta, countDelta: d.countDelta, evidence: `emergency stop; the event counter never showed the payout; ${d.evidence}`, stillPaying: false, kind: 'stopped_count' };
      reading = { ...reading, decision: d };
    } else if (d.kind === 'not_taken' && x.sentAt !== null && line.now() - x.sentAt < line.staleReplyMs) {
      // too soon after the 167: a fresh "nothing changed" cannot be told from a late counter or a stale reply
      candidate = null;
      await sleep(Math.max(x.statusPollMs, x.sentAt + line.staleReplyMs - line.now()));
      continue;
    }
    if (d.kind === 'conflict') {
      line.markSuspect(`counters prove nothing: ${d.evidence}`);
      candidate = null;
      if (++unproven >= maxUnproven) throw inDoubt(lastError, d.evidence);
      await sleep(x.statusPollMs);
      continue;
    }
    const cleanRead = wasClean && line.anomalies === before;
    const trusted = d.kind === 'last_payout' || cleanRead;
    const key = JSON.stringify([d.kind, d.coinsPaid, reading.status]);
    if (candidate && candidate.key === key && candidate.trusted && trusted) {
      if (d.kind !== 'not_taken') return { ...reading, stopped, taken: true };
      const faults = latchedFaults((await h.test().catch(() => ({ flags: ['max_current' as const] }))).flags);
      if (faults.length === 0) return { ...reading, taken: false, stopped };
      candidate = null; // a faulted hopper may have taken it without showing it: not proven
      if (++unproven >= maxUnproven) throw inDoubt(lastError, `${d.evidence}, but the hopper reports ${faults.join(', ')}`);
      await sleep(x.statusPollMs);
      continue;
    }
    candidate = { key, trusted };
    if (!trusted) {
      // a lower count is only believed from reads that no stale reply can have answered
      if (++unproven >= maxUnproven) throw inDoubt(lastError, `${d.evidence}, never confirmed on a clean line`);
      if (!(await line.awaitClean(x.cleanWaitMs ?? 5000))) throw inDoubt(lastError, `${d.evidence}; the line did not stay clean to confirm it`);
    }
  }
}

/**
 * After a power-up the device on the line may be another hopper (swapped while unpowered, behind the
 * same port): its 168 says nothing about this intent. Proven only when the serial is the intent's.
 */
async function requireSameHopper(h: CcTalkHopper, intent: OpenPayoutIntent): Promise<void> {
  const serial = await h.serialNumber(); // a failed read counts as a failed status read (the caller's catch)
  if (serial !== intent.hopperSerial) {
    throw new DispenserError('swapped', `the hopper now connected (#${serial}) is not the one this payout was sent to (#${intent.hopperSerial}): a technician must settle it by hand`);
  }
}

function inDoubt(cause: unknown, evidence?: string): DispenserError {
  const why = evidence ? ` (last reading: ${evidence})` : '';
  return new DispenserError(
    cause === null ? 'line' : faultOf(cause),
    `the hopper's counters could not be read reliably during a payout${why}; it is in doubt: check cable and power, then run settleInDoubt()`,
    cause === null ? undefined : { cause },
  );
}
