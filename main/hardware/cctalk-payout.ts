import type { Logger } from 'pino';
import { isCcTalkError } from './cctalk/errors';
import type { CcTalkHopper, DispenseForm, DispenseReplyForm, HopperStatus } from './cctalk/hopper';
import { type CounterDecision, decideFromCounters, faultOf, faultsFromFlags, shortPayoutFault, toDispenserError } from './cctalk-counters';
import { DispenserError, type DispenserFault, type OpenPayoutIntent, type PayoutJournalPort, type PayoutResult } from './dispenser';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One payout after its intent is journaled: enable → 167 exactly once → poll 166 → settle from the
 * counters (cctalk-hopper.md "Dispense (167)", "Counters, and never paying twice"). A lost or corrupt
 * 167 reply is decided from the event counter, never by sending 167 again. Rejects (intent left open)
 * only when the counters cannot be read.
 */
export async function payoutRun(input: PayoutRunInput): Promise<PayoutResult> {
  const x = { ...input, onProgress: monotonic(input.onProgress, input.intent.coins) };
  const { hopper: h, intent, log } = x;
  try {
    await h.enable(true);
  } catch (e) {
    if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'enabling the hopper');
    log.warn({ err: e, intentId: intent.id }, 'enable failed; 167 was never sent, nothing paid');
    return finish(x, { coinsPaid: 0, evidence: 'enable failed before 167', stillPaying: false }, intent.eventCounter, 'reply', faultOf(e));
  }
  let lostReply: unknown = null;
  try {
    await h.dispense(intent.coins, x.form); // the transport never re-sends 167
  } catch (e) {
    if (isCcTalkError(e, 'closed')) throw toDispenserError(e, 'sending the dispense command (the payout is in doubt)');
    if (isCcTalkError(e, 'nak')) {
      const fault = await readFaults(h).then((f) => (f.length ? shortPayoutFault(f) : 'disabled' as const));
      return finish(x, { coinsPaid: 0, evidence: 'dispense refused (NAK)', stillPaying: false }, intent.eventCounter, 'reply', fault);
    }
    lostReply = e;
    log.warn({ err: e, intentId: intent.id }, 'dispense reply lost or corrupt: deciding from the event counter, not re-sending');
  }
  const { decision, status } = await pollToDecision(x);
  const settledBy = lostReply !== null || status.eventCounter === 0 ? 'status' : 'reply';
  let fault: DispenserFault | null = null;
  if (decision.coinsPaid < intent.coins) {
    if (status.eventCounter === intent.eventCounter && decision.coinsPaid === 0) fault = faultOf(lostReply);
    else if (status.eventCounter === 0) fault = 'power_up';
    else fault = shortPayoutFault(await readFaults(h));
  }
  return finish(x, decision, status.eventCounter, settledBy, fault);
}

async function pollToDecision(x: PayoutRunInput): Promise<{ decision: CounterDecision; status: HopperStatus }> {
  const { hopper: h, intent } = x;
  let failures = 0;
  for (;;) {
    try {
      const status = await h.status();
      const paying = status.eventCounter !== 0 && status.eventCounter !== intent.eventCounter && status.remaining > 0;
      const decision = paying ? null : decideFromCounters(intent, status, await h.dispenseCount());
      failures = 0;
      if (status.eventCounter !== intent.eventCounter && status.eventCounter !== 0) x.onProgress?.(status.paid);
      if (decision && !decision.stillPaying) return { decision, status };
    } catch (e) {
      if (isCcTalkError(e, 'closed') || isCcTalkError(e, 'disconnected') || ++failures >= x.maxStatusFailures) {
        throw new DispenserError(faultOf(e), 'the hopper stopped answering during a payout; it is in doubt: check cable and power, then run settleInDoubt()', { cause: e });
      }
    }
    await sleep(x.statusPollMs);
  }
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
