import type { Logger } from 'pino';
import { CcTalkError, isCcTalkError } from './cctalk/errors';
import { type CcTalkHopper, type DispenseForm, type DispenseReplyForm, nextEventCounter } from './cctalk/hopper';
import { type CounterDecision, faultOf, faultsFromFlags, latchedFaults, proofOf, shortPayoutFault, toDispenserError } from './cctalk-counters';
import type { PayoutLimits } from './cctalk-limits';
import { type DispenseReply, proveFromCounters } from './cctalk-proof';
import { type DispenserFault, type OpenPayoutIntent, type PayoutJournalPort, type PayoutResult } from './dispenser';

export interface PayoutRunInput {
  hopper: CcTalkHopper;
  journal: PayoutJournalPort;
  log: Logger;
  /** Already durable in the journal. */
  intent: OpenPayoutIntent;
  form: { kind: DispenseForm; serial: number; replyForm: DispenseReplyForm; pumpRng?: boolean };
  statusPollMs: number;
  maxStatusFailures: number;
  limits: PayoutLimits;
  /** Hears what the 167's reply proved and when it left, so that a later settle of this intent knows it. */
  onSent?: (sent: { reply: DispenseReply; sentAt: number }) => void;
  onProgress?: (coinsPaid: number) => void;
}

/**
 * One payout after its intent is journaled: enable → 167 exactly once → poll 166 → prove the count from the
 * counters (cctalk-hopper.md "Dispense (167)", "Counters, and never paying twice"). A lost or corrupt
 * 167 reply is decided from the event counter, never by sending 167 again. Reports only a count it
 * proved (cctalk-proof.ts); rejects (intent left open, in doubt) otherwise.
 */
export async function payoutRun(input: PayoutRunInput): Promise<PayoutResult> {
  const x = { ...input, onProgress: monotonic(input.onProgress, input.intent.coins) };
  const { hopper: h, intent, log } = x;
  const before167 = await h.test().then((t) => latchedFaults(t.flags), (e: unknown) => e);
  if (before167 instanceof Error) {
    if (isCcTalkError(before167, 'closed')) throw toDispenserError(before167, 'reading the hopper flags');
    return finish(x, notSent('163 unreadable before 167'), intent.eventCounter, 'reply', faultOf(before167));
  }
  if (Array.isArray(before167) && before167.length > 0) {
    // issue 13: a latched fault found before the 167: the payout is not started (the hopper would NAK it)
    log.warn({ intentId: intent.id, flags: before167 }, 'latched hopper fault before the 167: not sent, nothing paid');
    return finish(x, notSent(`latched fault before 167: ${before167.join(', ')}`), intent.eventCounter, 'reply', shortPayoutFault(faultsFromFlags(before167)));
  }
  try {
    await h.enable(true);
  } catch (e) {
    if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'enabling the hopper');
    log.warn({ err: e, intentId: intent.id }, 'enable failed; 167 was never sent, nothing paid');
    // proven without the counters: 167 never left the host
    return finish(x, notSent('enable failed before 167'), intent.eventCounter, 'reply', faultOf(e));
  }
  let lostReply: unknown = null;
  let replyEv: number | null = null;
  let refused = false;
  let acked = false;
  const sentAt = h.line.now();
  try {
    replyEv = await h.dispense(intent.coins, x.form); // the transport never re-sends 167
    acked = x.form.replyForm === 'ack';
  } catch (e) {
    if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'sending the dispense command (the payout is in doubt)');
    // A NAK is believed like any other reply: only once the counters, read on a clean line, agree.
    if (isCcTalkError(e, 'nak')) refused = true;
    else {
      lostReply = e;
      log.warn({ err: e, intentId: intent.id }, 'dispense reply lost or corrupt: deciding from the event counter, not re-sending');
    }
  }
  if (replyEv !== null && replyEv !== nextEventCounter(intent.eventCounter)) {
    // Not the counter this 167 can have produced: a stale 1-byte reply (an earlier 167, a 217) in its place.
    h.line.markSuspect(`dispense reply ${replyEv}, expected ${nextEventCounter(intent.eventCounter)}`);
    lostReply = new CcTalkError('bad_reply', `dispense reply carried event counter ${replyEv}, not ${nextEventCounter(intent.eventCounter)}: a stale reply`);
    replyEv = null;
  }
  const reply: DispenseReply = replyEv !== null ? { kind: 'event_counter', ev: replyEv } : acked ? { kind: 'ack' } : null;
  x.onSent?.({ reply, sentAt });
  const { decision, status, stopped } = await proveFromCounters({
    hopper: h, intent, reply, sentAt, statusPollMs: x.statusPollMs, maxStatusFailures: x.maxStatusFailures, limits: x.limits, onProgress: x.onProgress,
  });
  const settledBy = lostReply !== null || status.eventCounter === 0 || decision.kind === 'stopped_count' ? 'status' : 'reply';
  let fault: DispenserFault | null = null;
  if (stopped) {
    const flagged = (await readFaults(h)).filter((f) => f !== 'disabled' && f !== 'power_up'); // 172 leaves the hopper disabled; a power cut shows in the counter
    fault = flagged.length ? shortPayoutFault(flagged) : 'stall';
  } else if (decision.coinsPaid < intent.coins) {
    if (refused && decision.kind === 'not_taken') fault = await readFaults(h).then((f) => (f.length ? shortPayoutFault(f) : 'disabled' as const));
    else if (decision.kind === 'not_taken') fault = faultOf(lostReply);
    else if (status.eventCounter === 0) fault = 'power_up';
    else fault = shortPayoutFault(await readFaults(h));
  }
  return finish(x, decision, status.eventCounter, settledBy, fault);
}

/** Proven without the counters: the 167 never left the host. */
function notSent(evidence: string): CounterDecision {
  return { coinsPaid: 0, countDelta: 0, evidence, stillPaying: false, kind: 'not_taken' };
}

/** dispenser.ts: progress is never larger than requested and never decreasing; repeats are dropped. */
function monotonic(cb: ((paid: number) => void) | undefined, coins: number): ((paid: number) => void) | undefined {
  if (!cb) return undefined;
  let reported = 0;
  return (paid) => {
    const p = Math.min(paid, coins);
    if (p <= reported) return;
    reported = p;
    cb(p);
  };
}

async function readFaults(h: CcTalkHopper): Promise<DispenserFault[]> {
  return h.test().then((t) => faultsFromFlags(t.flags), () => []);
}

function finish(x: PayoutRunInput, d: CounterDecision, eventCounterAfter: number, settledBy: 'reply' | 'status', fault: DispenserFault | null): PayoutResult {
  const { intent } = x;
  const proof = proofOf(d.kind);
  x.journal.recordOutcome(intent.id, { coinsPaid: d.coinsPaid, eventCounterAfter, settledBy, proof });
  x.onProgress?.(d.coinsPaid);
  void x.hopper.enable(false).catch(() => undefined); // best effort: a disabled hopper cannot pay a stray 167
  const outcome = d.coinsPaid === intent.coins ? 'completed' : d.coinsPaid === 0 ? 'failed' : 'partial';
  x.log.info({ intentId: intent.id, jobId: intent.jobId, coinsPaid: d.coinsPaid, outcome, fault, evidence: d.evidence }, 'payout outcome recorded');
  return {
    jobId: intent.jobId,
    intentId: intent.id,
    coinsRequested: intent.coins,
    coinsPaid: d.coinsPaid,
    coinsUnpaid: intent.coins - d.coinsPaid,
    outcome,
    fault: outcome === 'completed' ? null : (fault ?? 'unknown'),
    proof,
  };
}
