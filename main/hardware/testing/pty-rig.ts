import { ManualClock } from '../../../contract/clock';
import { startHopperOnPty } from '../../../sim/hopper/pty';
import type { HopperSimOptions } from '../../../sim/hopper/sim-types';
import { type CcTalkDispenserOptions, createCcTalkDispenser } from '../cctalk-dispenser';
import { silentLog, tmpJournal } from './dispenser-fixture';

/**
 * The real `serialport` on a socat pty against the simulator, with a real SQLite journal. Every
 * resource is registered in `cleanups` (run them in reverse after each test).
 */
export async function dispenserOnPty(cleanups: (() => unknown)[], simOpts: HopperSimOptions = {}, opts: Partial<CcTalkDispenserOptions> = {}) {
  const hopper = await startHopperOnPty({ coinsPerSecond: 100, ...simOpts });
  cleanups.push(() => hopper.stop());
  const j = tmpJournal();
  cleanups.push(j.dispose);
  const dispenser = createCcTalkDispenser({
    path: hopper.devicePath, journal: j.journal, clock: new ManualClock(), log: silentLog,
    statusPollMs: 20, replyTimeoutMs: 150, ...opts,
  });
  await dispenser.open();
  cleanups.push(() => dispenser.close());
  return { hopper, sim: hopper.sim, dispenser, journal: j.journal, journalPath: j.path };
}
