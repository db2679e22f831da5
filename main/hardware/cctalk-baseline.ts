/**
 * The readings a payout intent is built on, taken so that no stale reply can be among them
 * (cctalk-proof.ts explains why a ccTalk reply may be stale). A stale 166 or 168 in the baseline
 * would shift every later comparison: a stale event counter makes "not taken" look like "advanced by
 * one", a stale dispense count inflates the delta. A stale serial number makes every 167 refused.
 */
import { CcTalkError } from './cctalk/errors';
import type { CcTalkHopper, HopperStatus } from './cctalk/hopper';

/** Longest wait for a clean line before a payout gives up (nothing journaled, nothing paid). */
const CLEAN_WAIT_MS = 5000;

/**
 * Reads `read` on a clean line (no anomaly for the transport's staleReplyMs before, none during)
 * until two readings in a row agree; rejects with code 'line' after `attempts` tries, and with the
 * read's own error when a read fails.
 */
async function readConfirmed<T>(h: CcTalkHopper, what: string, attempts: number, read: () => Promise<T>): Promise<T> {
  let previous: string | null = null;
  for (let i = 0; i < Math.max(2, attempts); i++) {
    if (!(await h.line.awaitClean(CLEAN_WAIT_MS))) break;
    const before = h.line.anomalies;
    const value = await read(); // already retried by the transport: an error here is the answer
    const key = JSON.stringify(value);
    if (h.line.anomalies !== before) previous = null;
    else if (key === previous) return value;
    else previous = key;
  }
  throw new CcTalkError('line', `could not read the ${what} twice alike on a quiet line: check the cable and that nothing else talks on it`);
}

/** 166 and 168 before a payout. */
export function readBaseline(h: CcTalkHopper, attempts: number): Promise<{ status: HopperStatus; dispenseCount: number }> {
  return readConfirmed(h, 'hopper status and dispense count', attempts, async () => ({ status: await h.status(), dispenseCount: await h.dispenseCount() }));
}

/** 242, read once per connection: every serial-form 167 and every intent carries it. */
export function readSerialTwice(h: CcTalkHopper): Promise<number> {
  return readConfirmed(h, 'serial number', 6, () => h.serialNumber());
}
