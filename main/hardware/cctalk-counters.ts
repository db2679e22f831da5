/**
 * Deciding what was paid from the hopper's own counters (cctalk-hopper.md "Counters, and never paying
 * twice"), and mapping device states to Dispenser terms. Pure functions.
 */
import { CcTalkError } from './cctalk/errors';
import { type HighLowStatus, type HopperFlag, type HopperStatus, nextEventCounter } from './cctalk/hopper';
import { type DispenserFault, DispenserError, type DispenserHealth, type OpenPayoutIntent, type PayoutProof } from './dispenser';

export interface CounterDecision {
  coinsPaid: number;
  /** 168 now minus 168 in the intent: the coins that left the hopper since (negative: the count went backwards). */
  countDelta: number;
  evidence: string;
  /** The hopper is still paying this intent: poll again before deciding. */
  stillPaying: boolean;
  /**
   * Which rule decided. A stale reply (one that answered an earlier command: ccTalk has no sequence
   * numbers) can look exactly like 'not_taken', and a stale 168 like a smaller delta in 'power_up' and
   * 'several': those are believed only when read on a clean line (cctalk-proof.ts). 'conflict': the
   * counters contradict each other (event counter unchanged but coins left the hopper): nothing is proven.
   * 'stopped_count': after an emergency stop of a taken payout the counter never showed, the 168 delta.
   */
  kind: 'not_taken' | 'power_up' | 'paying' | 'last_payout' | 'several' | 'conflict' | 'stopped_count';
}

/**
 * Settles an open intent from 166 (status) and 168 (dispense count) read now:
 * - event counter unchanged → the dispense was not taken: 0 paid, but only if 168 did not move either;
 * - event counter 0 (power-up/reset since) → EEPROM dispense-count delta is what left the hopper
 *   (a delta below 0 is a conflict: the count was reset or another hopper answers);
 * - event counter advanced by one → the last payout's paid count (once remaining is 0);
 * - advanced by more than one → only the dispense-count delta can tell.
 */
export function decideFromCounters(intent: OpenPayoutIntent, status: HopperStatus, dispenseCount: number): CounterDecision {
  const rawDelta = dispenseCount - intent.dispenseCount;
  const delta = clamp(rawDelta, intent.coins);
  const ev = status.eventCounter;
  if (ev === 0 && intent.eventCounter === 0 && rawDelta === 0) {
    return { countDelta: rawDelta, coinsPaid: 0, evidence: 'event counter still 0 and dispense count unchanged: not taken', stillPaying: false, kind: 'not_taken' };
  }
  if (ev === 0 && (rawDelta < 0 || rawDelta > intent.coins)) {
    // issue 13: a 168 that went backwards (or moved more than this payout asked) proves nothing, never "0 paid"
    const how = rawDelta < 0 ? 'went backwards' : `moved more than the ${intent.coins} coins asked`;
    return { countDelta: rawDelta, coinsPaid: 0, evidence: `event counter 0 and dispense count ${how} (${intent.dispenseCount} → ${dispenseCount})`, stillPaying: false, kind: 'conflict' };
  }
  if (ev === 0) {
    return { countDelta: rawDelta, coinsPaid: delta, evidence: `event counter 0 (power-cycle or reset); dispense count ${intent.dispenseCount} → ${dispenseCount}`, stillPaying: false, kind: 'power_up' };
  }
  if (ev === intent.eventCounter && rawDelta !== 0) {
    return { countDelta: rawDelta, coinsPaid: 0, evidence: `event counter unchanged (${ev}) but dispense count ${intent.dispenseCount} → ${dispenseCount}`, stillPaying: false, kind: 'conflict' };
  }
  if (ev === intent.eventCounter) {
    return { countDelta: rawDelta, coinsPaid: 0, evidence: `event counter unchanged (${ev}) and dispense count unchanged: dispense not taken`, stillPaying: false, kind: 'not_taken' };
  }
  if (status.remaining > 0) return { countDelta: rawDelta, coinsPaid: clamp(status.paid, intent.coins), evidence: `event counter ${ev}: still paying`, stillPaying: true, kind: 'paying' };
  if (ev === nextEventCounter(intent.eventCounter)) {
    return { countDelta: rawDelta, coinsPaid: clamp(status.paid, intent.coins), evidence: `event counter ${intent.eventCounter} → ${ev}: last payout paid ${status.paid}, unpaid ${status.unpaid}`, stillPaying: false, kind: 'last_payout' };
  }
  return { countDelta: rawDelta, coinsPaid: delta, evidence: `event counter ${intent.eventCounter} → ${ev} (more than one dispense); dispense count ${intent.dispenseCount} → ${dispenseCount}`, stillPaying: false, kind: 'several' };
}

/** How a decision proved the outcome, as the journal records it (dispenser.ts PayoutProof). */
export function proofOf(kind: CounterDecision['kind']): PayoutProof {
  if (kind === 'not_taken') return 'not_taken';
  return kind === 'power_up' ? 'power_cut' : 'counted';
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(n, max));
}

/**
 * Test hopper register 1 flags that latch until a reset (jam, opto faults): a hopper showing one
 * is not sent a 167, and a "not taken" reading from it proves nothing (cctalk-proof.ts).
 */
export function latchedFaults(flags: readonly HopperFlag[]): HopperFlag[] {
  const latching: HopperFlag[] = ['max_current', 'opto_blocked_idle', 'opto_short_idle', 'opto_blocked_payout'];
  return flags.filter((f) => latching.includes(f));
}

/** Test hopper register 1 → Dispenser faults (payout_disabled → 'disabled'; motor reversal is not a fault). */
export function faultsFromFlags(flags: HopperFlag[]): DispenserFault[] {
  const map: Partial<Record<HopperFlag, DispenserFault>> = {
    max_current: 'jam',
    payout_timeout: 'empty',
    opto_blocked_idle: 'opto',
    opto_short_idle: 'opto',
    opto_blocked_payout: 'opto',
    power_up: 'power_up',
    payout_disabled: 'disabled',
  };
  return [...new Set(flags.flatMap((f) => (map[f] ? [map[f]] : [])))];
}

/** The one fault that explains a short payout (jam before empty before opto). */
export function shortPayoutFault(faults: DispenserFault[]): DispenserFault {
  return (['jam', 'empty', 'opto', 'power_up'] as const).find((f) => faults.includes(f)) ?? 'empty';
}

/**
 * The coin level from the 217 sensors where fitted (cctalk-hopper.md "Headers": bit0 below low,
 * bit1 at/above high, bit4/bit5 sensor fitted) and from the kiosk's own count (coins loaded at
 * refill minus coins the counters proved paid): the more cautious of the two wins.
 */
export function levelFrom(
  hl: HighLowStatus | null,
  faults: DispenserFault[],
  counted: { coins: number | null; lowAt: number } = { coins: null, lowAt: 0 },
): DispenserHealth['level'] {
  const n = counted.coins;
  if (faults.includes('empty') || n === 0) return 'empty';
  const sensorLow = !!hl?.lowSensorFitted && hl.belowLow;
  if (sensorLow || (n !== null && n < counted.lowAt)) return 'low';
  if (hl?.highSensorFitted && hl.atOrAboveHigh) return 'high';
  if ((!hl || (!hl.lowSensorFitted && !hl.highSensorFitted)) && n === null) return 'unknown';
  return 'ok';
}

export function faultOf(e: unknown): DispenserFault {
  if (!(e instanceof CcTalkError)) return 'unknown';
  if (e.code === 'timeout') return 'no_reply';
  // bad_reply: a frame of the wrong shape, in practice a stale reply answered late (no sequence numbers in ccTalk)
  return ['line', 'write', 'disconnected', 'bad_reply'].includes(e.code) ? 'line' : 'unknown';
}

/** A transport/device failure as a DispenserError that keeps the cause and says what to do. */
export function toDispenserError(e: unknown, doing: string): DispenserError {
  if (e instanceof DispenserError) return e;
  if (e instanceof CcTalkError && e.code === 'closed') return new DispenserError('closed', `dispenser closed while ${doing}`, { cause: e });
  if (e instanceof CcTalkError && e.code === 'nak') return new DispenserError('refused', `hopper refused while ${doing}: run the technician "test" command`, { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  return new DispenserError(faultOf(e), `${doing} failed: ${msg}`, { cause: e });
}
