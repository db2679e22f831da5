/**
 * Issue 13, a hopper power cut mid-payout: the rest of the payout is paid only once the hopper has
 * been back for its settling time showing nothing but the flags every power-up leaves (power-up,
 * payout disabled), its event counter still 0 (no pay command since the power-up) and its dispense
 * count (168) unchanged (no coin left since). Every read in the window must answer at once on a line
 * without anomalies: a hopper that goes silent, or any line anomaly, is taken as a second cut, and
 * after a second cut nothing more is paid.
 */
import type { CcTalkHopper, HopperFlag } from './cctalk/hopper';
import { DispenserError } from './dispenser';

/** Flags a hopper shows after a power-up that say nothing against paying. */
const POWER_UP_FLAGS: readonly HopperFlag[] = ['power_up', 'payout_disabled'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves after `settlingMs` of clean readings (module rule); rejects with code 'power_up' otherwise. */
export async function awaitSettledAfterPowerCut(h: CcTalkHopper, o: { settlingMs: number; pollMs: number; dispenseCount: number }): Promise<void> {
  const line = h.line;
  const anomalies = line.anomalies;
  const until = line.now() + o.settlingMs;
  const refuse = (why: string, cause?: unknown) =>
    new DispenserError('power_up', `the hopper did not stay up after its power cut (${why}): the rest of the payout is not paid, it is owed`, cause === undefined ? undefined : { cause });
  for (;;) {
    let reading: { flags: HopperFlag[]; ev: number; remaining: number; count: number };
    try {
      const flags = (await h.test()).flags;
      const status = await h.status();
      reading = { flags, ev: status.eventCounter, remaining: status.remaining, count: await h.dispenseCount() };
    } catch (e) {
      throw refuse('it stopped answering: a second cut', e);
    }
    if (line.anomalies !== anomalies) throw refuse('the line was not quiet: a second cut or a broken cable');
    const other = reading.flags.filter((f) => !POWER_UP_FLAGS.includes(f));
    if (other.length > 0) throw refuse(`it reports ${other.join(', ')}`);
    if (reading.ev !== 0 || reading.remaining !== 0) throw refuse(`event counter ${reading.ev}, ${reading.remaining} remaining: not the state a power-up leaves`);
    if (reading.count !== o.dispenseCount) throw refuse(`dispense count moved ${o.dispenseCount} → ${reading.count}`);
    if (line.now() >= until) return;
    await sleep(Math.min(o.pollMs, Math.max(0, until - line.now())));
  }
}
