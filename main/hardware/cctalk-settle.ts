/**
 * Proving what a payout paid from the hopper's counters, on a line where a reply may be stale
 * (cctalk-hopper.md "Counters, and never paying twice"; issue 8, serial fuzzer seed 11 case 151).
 *
 * ccTalk replies carry no sequence number (part 1 §12). A reply that arrives after its command timed
 * out, or a duplicated one, is taken as the answer to a later command. A stale 166 from before the
 * 167 shows the old event counter, which reads exactly like "dispense not taken, 0 paid", and a stale
 * 168 shows a smaller dispense count. The rules here:
 * - the driver reports only a count it has proven; anything else is in doubt (the intent stays open
 *   and `settleInDoubt` settles it later from the same rules);
 * - a 167 reply that carried the next event counter proves the dispense was taken: a later status
 *   with the old counter is stale and is ignored, never read as "not taken";
 * - "event counter N+1, nothing remaining" cannot be forged by a stale reply (no earlier reply shows
 *   it), so two equal reads in a row prove it;
 * - a lower-count reading ("not taken", power-up delta, several-dispenses delta) is believed only when
 *   the same reading comes twice in a row from reads made on a clean line (no anomaly for the
 *   transport's `staleReplyMs` before and none during them): no stale reply can still be on its way,
 *   and a single corrupt frame that happens to pass the checksum is not repeated;
 * - counters that contradict each other (event counter unchanged, 168 moved) prove nothing.
 */
import type { CcTalkHopper, HopperStatus } from './cctalk/hopper';
import { nextEventCounter } from './cctalk/hopper';
import { isCcTalkError } from './cctalk/errors';
import { type CounterDecision, decideFromCounters, faultOf } from './cctalk-counters';
import { DispenserError, type OpenPayoutIntent } from './dispenser';

export interface SettleFromCountersInput {
  hopper: CcTalkHopper;
  intent: OpenPayoutIntent;
  /** The event counter the 167 reply carried (event-counter reply form), else null. */
  dispenseReplyEv: number | null;
  statusPollMs: number;
  /**
   * Consecutive unreadable reads before the payout is left in doubt; readings that prove nothing
   * (stale, contradictory, not yet confirmed on a clean line) are allowed max(4, this) times.
   */
  maxStatusFailures: number;
  /** Longest wait for a clean line before a lower-count reading is confirmed (default 5 s). */
  cleanWaitMs?: number;
  onProgress?: (coinsPaid: number) => void;
}

export interface ProvenSettlement {
  decision: CounterDecision;
  status: HopperStatus;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls 166/168 until a reading is proven (module rules); rejects with a DispenserError when in doubt. */
export async function settleFromCounters(x: SettleFromCountersInput): Promise<ProvenSettlement> {
  const { hopper: h, intent } = x;
  const line = h.line;
  const takenByReply = x.dispenseReplyEv !== null && x.dispenseReplyEv === nextEventCounter(intent.eventCounter);
  let candidate: { key: string; trusted: boolean } | null = null;
  let failures = 0;
  let unproven = 0;
  const maxUnproven = Math.max(4, x.maxStatusFailures);
  let lastError: unknown = null;
  for (;;) {
    const before = line.anomalies;
    const wasClean = line.isClean();
    let reading: ProvenSettlement | null = null;
    try {
      const status = await h.status();
      const paying = status.eventCounter !== 0 && status.eventCounter !== intent.eventCounter && status.remaining > 0;
      if (paying) {
        x.onProgress?.(status.paid);
        failures = 0;
        candidate = null;
        await sleep(x.statusPollMs);
        continue;
      }
      reading = { decision: decideFromCounters(intent, status, await h.dispenseCount()), status };
      failures = 0;
    } catch (e) {
      if (isCcTalkError(e, 'closed') || isCcTalkError(e, 'disconnected') || ++failures >= x.maxStatusFailures) throw inDoubt(e);
      lastError = e;
      candidate = null;
      await sleep(x.statusPollMs);
      continue;
    }
    const d = reading.decision;
    if (d.kind === 'conflict' || (takenByReply && d.kind === 'not_taken')) {
      line.markSuspect(`counters prove nothing: ${d.evidence}${takenByReply ? ' (the 167 reply showed the dispense taken)' : ''}`);
      candidate = null;
      if (++unproven >= maxUnproven) throw inDoubt(lastError, d.evidence);
      await sleep(x.statusPollMs);
      continue;
    }
    const cleanRead = wasClean && line.anomalies === before;
    const trusted = d.kind === 'last_payout' || cleanRead;
    const key = JSON.stringify([d.kind, d.coinsPaid, reading.status]);
    if (candidate && candidate.key === key && candidate.trusted && trusted) return reading;
    candidate = { key, trusted };
    if (!trusted) {
      // a lower count is only believed from reads that no stale reply can have answered
      if (++unproven >= maxUnproven) throw inDoubt(lastError, `${d.evidence}, never confirmed on a clean line`);
      if (!(await line.awaitClean(x.cleanWaitMs ?? 5000))) throw inDoubt(lastError, `${d.evidence}; the line did not stay clean to confirm it`);
    }
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
