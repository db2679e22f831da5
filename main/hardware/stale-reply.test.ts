import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { createMockHopperPort } from '../../sim/hopper/mock-binding';
import { HopperSimulator } from '../../sim/hopper/simulator';
import { createCcTalkDispenser } from './cctalk-dispenser';
import { H } from './cctalk/hopper';
import { silentLog, tmpJournal, until } from './testing/dispenser-fixture';

/**
 * Issue 8, serial fuzzer seed 11 case 151: ccTalk replies carry no sequence number, so a reply that
 * arrives after its command timed out answers a later command. A 166 reply from before the 167,
 * answering the first status poll after it, shows the old event counter: read naively, "dispense not
 * taken, 0 paid" while the hopper paid — the customer got the coins and is owed a refund.
 *
 * The line here is scripted (binding-mock, deterministic): the hopper's first reply to each header in
 * `hold` is kept back (the driver times out on it), then replayed right after the echo of the first
 * command with that header sent after the 167, whose genuine reply is dropped.
 */
interface Script {
  /** Headers whose first reply, once armed, is held back and later replayed as a stale reply. */
  hold: number[];
  /** Drop the 167 reply as well (the driver must decide from the counters alone). */
  dropDispenseReply: boolean;
}

function scriptedBinding(sim: HopperSimulator, script: Script) {
  const mock = SerialPortMock.binding;
  const held = new Map<number, Buffer>();
  const state = { armed: false, dispenseSent: false, lastHeader: -1, replayed: new Set<number>(), dropNextReply: false };
  const binding: typeof SerialPortMock.binding = {
    ...mock,
    async open(options: Parameters<typeof mock.open>[0]) {
      const port = await mock.open(options);
      const write = port.write.bind(port);
      const toHost = (b: Buffer) => void (port.isOpen && port.emitData(b));
      port.write = async (b: Buffer) => {
        await write(b); // binding-mock's echo
        const header = b[3]!;
        state.lastHeader = header;
        if (state.armed && header === H.dispense) state.dispenseSent = true;
        const stale = held.get(header);
        if (state.dispenseSent && stale && !state.replayed.has(header)) {
          state.replayed.add(header);
          state.dropNextReply = true;
          setTimeout(() => toHost(stale), 0); // after binding-mock's echo (a nextTick)
        }
        sim.receive(Buffer.from(b));
      };
      sim.attach({
        write: (reply: Buffer) => {
          const h = state.lastHeader;
          if (state.dropNextReply) return void (state.dropNextReply = false);
          if (state.armed && !state.dispenseSent && script.hold.includes(h) && !held.has(h)) return void held.set(h, Buffer.from(reply));
          if (state.armed && h === H.dispense && script.dropDispenseReply) return;
          toHost(Buffer.from(reply));
        },
        on: () => undefined,
        off: () => undefined,
      });
      return port;
    },
  };
  return { binding, arm: () => void (state.armed = true), replayed: state.replayed };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(script: Script) {
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 400, replyDelayMs: 1 });
  const line = scriptedBinding(sim, script);
  const j = tmpJournal();
  const dispenser = createCcTalkDispenser({
    path: createMockHopperPort(true), binding: line.binding, journal: j.journal, clock: new ManualClock(), log: silentLog,
    statusPollMs: 5, replyTimeoutMs: 60, staleReplyMs: 250, maxStatusFailures: 6,
  });
  await dispenser.open();
  cleanups.push(j.dispose, () => sim.stop(), () => dispenser.close());
  return { sim, line, dispenser, journal: j.journal };
}

describe('a stale reply never becomes a definite lower count', () => {
  it.each([
    { name: 'stale 166 after a 167 whose reply showed the counter advance', hold: [H.hopperStatus], dropDispenseReply: false, definite: true },
    { name: 'stale 166 after a lost 167 reply (168 moved: the counters contradict the stale status)', hold: [H.hopperStatus], dropDispenseReply: true, definite: false },
    { name: 'stale 166 and stale 168 after a lost 167 reply (both read exactly like "not taken")', hold: [H.hopperStatus, H.dispenseCount], dropDispenseReply: true, definite: false },
  ])('$name', async ({ hold, dropDispenseReply, definite }) => {
    const { sim, line, dispenser, journal } = await setup({ hold, dropDispenseReply });
    const warm = await dispenser.payout({ jobId: 'warm-up', coins: 2 }); // event counter 0 → 1: "unchanged" is then 1
    expect(warm.coinsPaid).toBe(2);
    line.arm();
    const r = await dispenser.payout({ jobId: 'stale', coins: 10 }).catch((e: unknown) => e);
    await until(() => !sim.paying);
    expect([...line.replayed].sort()).toEqual([...hold].sort()); // the stale replies really reached the driver
    expect(sim.coinsOut).toBe(12);
    // Either a definite count equal to what left the hopper, or in doubt and settled from the counters.
    // The 167 reply showed the counter advance: that is proof enough to wait for the final status.
    if (definite) expect(r).not.toBeInstanceOf(Error);
    if (r instanceof Error) {
      expect(journal.openIntents()).toHaveLength(1);
      const settled = await dispenser.settleInDoubt();
      expect(settled.map((s) => s.coinsPaid)).toEqual([10]);
    } else {
      expect(r).toMatchObject({ coinsPaid: 10, outcome: 'completed' });
    }
    expect(journal.openIntents()).toHaveLength(0);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect(sim.dispenseCommands).toBe(2); // never re-sent
  });
});
