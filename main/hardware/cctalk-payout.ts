import type { Logger } from 'pino';
import { CcTalkError, isCcTalkError } from './cctalk/errors';
import { type CcTalkHopper, type DispenseForm, type DispenseReplyForm, nextEventCounter } from './cctalk/hopper';
import { type CounterDecision, faultOf, faultsFromFlags, shortPayoutFault, toDispenserError } from './cctalk-counters';
import { settleFromCounters } from './cctalk-settle';
import { type DispenserFault, type OpenPayoutIntent, type PayoutJournalPort, type PayoutResult } from './dispenser';

export interface PayoutRunInput {
  hopper: CcTalkHopper;
  journal: PayoutJournalPort;
  log: Logger;
  /** Already durable in the journal. */
  intent: OpenPayoutIntent;
  form: { kind: DispenseForm; serial: number; replyForm: DispenseReplyForm };
  statusPollMs: number;
  maxStatusFailures: number;
  onProgress?: (coinsPaid: number) => void;
}

/**
 * One payout after its intent is journaled: enable → 167 exactly once → poll 166 → settle from the
 * counters (cctalk-hopper.md "Dispense (167)", "Counters, and never paying twice"). A lost or corrupt
 * 167 reply is decided from the event counter, never by sending 167 again. Reports only a count it
 * proved (cctalk-settle.ts); rejects (intent left open, in doubt) otherwise.
 */
export async function payoutRun(input: PayoutRunInput): Promise<PayoutResult> {
  const x = { ...input, onProgress: monotonic(input.onProgress, input.intent.coins) };
  const { hopper: h, intent, log } = x;
  try {
    await h.enable(true);
  } catch (e) {
    if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'enabling the hopper');
    log.warn({ err: e, intentId: intent.id }, 'enable failed; 167 was never sent, nothing paid');
    // proven without the counters: 167 never left the host
    return finish(x, { coinsPaid: 0, evidence: 'enable failed before 167', stillPaying: false, kind: 'not_taken' }, intent.eventCounter, 'reply', faultOf(e));
  }
  let lostReply: unknown = null;
  let replyEv: number | null = null;
  let refused = false;
  try {
    replyEv = await h.dispense(intent.coins, x.form); // the transport never re-sends 167
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
  const { decision, status } = await settleFromCounters({
    hopper: h, intent, dispenseReplyEv: replyEv, statusPollMs: x.statusPollMs, maxStatusFailures: x.maxStatusFailures, onProgress: x.onProgress,
  });
  const settledBy = lostReply !== null || status.eventCounter === 0 ? 'status' : 'reply';
  let fault: DispenserFault | null = null;
  if (decision.coinsPaid < intent.coins) {
    if (refused && decision.kind === 'not_taken') fault = await readFaults(h).then((f) => (f.length ? shortPayoutFault(f) : 'disabled' as const));
    else if (decision.kind === 'not_taken') fault = faultOf(lostReply);
    else if (status.eventCounter === 0) fault = 'power_up';
    else fault = shortPayoutFault(await readFaults(h));
  }
  return finish(x, decision, status.eventCounter, settledBy, fault);
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
  x.journal.recordOutcome(intent.id, { coinsPaid: d.coinsPaid, eventCounterAfter, settledBy });
  x.onProgress?.(d.coinsPaid);
  void x.hopper.enable(false).catch(() => undefined); // best effort: a disabled hopper cannot pay a stray 167
  const outcome = d.coinsPaid === intent.coins ? 'completed' : d.coinsPaid === 0 ? 'failed' : 'partial';
  x.log.info({ intentId: intent.id, jobId: intent.jobId, coinsPaid: d.coinsPaid, outcome, fault, evidence: d.evidence }, 'payout settled');
  return {
    jobId: intent.jobId,
    intentId: intent.id,
    coinsRequested: intent.coins,
    coinsPaid: d.coinsPaid,
    coinsUnpaid: intent.coins - d.coinsPaid,
    outcome,
    fault: outcome === 'completed' ? null : (fault ?? 'unknown'),
  };
}
