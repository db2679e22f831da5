import { ManualClock } from '../../contract/clock';
import { createCcTalkDispenser, type CcTalkDispenser } from '../../main/hardware/cctalk-dispenser';
import { DispenserError, type PayoutResult } from '../../main/hardware/dispenser';
import { silentLog, tmpJournal, until } from '../../main/hardware/testing/dispenser-fixture';
import { createMockHopperPort } from '../../sim/hopper/mock-binding';
import { HopperSimulator } from '../../sim/hopper/simulator';
import { caseNumbers, type FuzzOptions, type FuzzReport, type Violation } from './report';
import { Rng } from './rng';
import { LINE_MUTATIONS, MutatingLine, mutatingMockBinding, STALE_REPLY_MS, type LineMutation } from './serial-line';
import { ptyLine } from './serial-pty';

/**
 * Fuzzer 2 (issue 8 "Fuzzing"): the real ccTalk driver (main/hardware) with a real SQLite payout
 * journal against the hopper simulator, through a line that mutates the simulator's replies
 * (serial-line.ts). Invariants per case:
 * - the driver never throws anything but a DispenserError and never crashes the process;
 * - a payout that resolves reports exactly the coins the simulator paid for it (a definite number);
 *   one that rejects leaves its intent open, and settling it on a clean line finds exactly those coins;
 * - the simulator receives one 167 per payout asked for, never more, each for the coins asked;
 * - progress never decreases and never passes the coins asked; the journal's total equals coinsOut.
 */
export interface SerialFuzzOptions extends FuzzOptions {
  /** 'mock': binding-mock (fast); 'pty': the real serialport on a socat pty. */
  line?: 'mock' | 'pty';
}

interface CaseRig {
  sim: HopperSimulator;
  line: MutatingLine;
  dispenser: CcTalkDispenser;
  journal: ReturnType<typeof tmpJournal>['journal'];
  dispose(): Promise<void>;
}

async function mockRig(sim: HopperSimulator, line: MutatingLine, noiseEveryMs: number): Promise<Omit<CaseRig, 'sim' | 'line'>> {
  const j = tmpJournal();
  const dispenser = createCcTalkDispenser({
    path: createMockHopperPort(true), binding: mutatingMockBinding(sim, line, noiseEveryMs), journal: j.journal,
    clock: new ManualClock(), log: silentLog, statusPollMs: 5, replyTimeoutMs: 60, maxStatusFailures: 6,
    staleReplyMs: STALE_REPLY_MS,
  });
  await dispenser.open();
  return { dispenser, journal: j.journal, dispose: async () => { await dispenser.close(); j.dispose(); } };
}

export interface SerialCasePlan {
  rate: number;
  mutations: LineMutation[];
  noiseEveryMs: number;
  payouts: number[];
  inventory: number;
}

export function planCase(rng: Rng): SerialCasePlan {
  const only = rng.chance(0.4);
  return {
    rate: rng.pick([0.05, 0.15, 0.3, 0.6]),
    mutations: only ? [rng.pick(LINE_MUTATIONS)] : [...LINE_MUTATIONS],
    noiseEveryMs: rng.chance(0.25) ? rng.int(5, 80) : 0,
    payouts: Array.from({ length: rng.int(1, 3) }, () => rng.int(1, 30)),
    inventory: rng.chance(0.2) ? rng.int(0, 20) : 1000,
  };
}

export async function fuzzSerial(o: SerialFuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const violations: Violation[] = [];
  const mutated: Partial<Record<LineMutation, number>> = {};
  const outcomes: Record<string, number> = {};
  let payouts = 0;
  let replies = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  try {
    for (const n of caseNumbers(o)) {
      const rng = Rng.forCase(o.seed, n);
      const plan = planCase(rng);
      const fail = (invariant: string, detail: string) => violations.push({ case: n, invariant, detail, input: { line: o.line ?? 'mock', ...plan } });
      const sim = new HopperSimulator({ echo: false, coinsPerSecond: 500, inventory: plan.inventory, replyDelayMs: 1, payoutTimeoutMs: 30 });
      const line = new MutatingLine(rng, plan.rate, plan.mutations);
      const rig = o.line === 'pty' ? await ptyLine(sim, line, plan.noiseEveryMs) : await mockRig(sim, line, plan.noiseEveryMs);
      const unhandledBefore = unhandled.length;
      try {
        let asked = 0;
        for (const coins of plan.payouts) {
          payouts++;
          const outBefore = sim.coinsOut;
          const logBefore = sim.dispenseLog.length;
          const progress: number[] = [];
          let result: PayoutResult | null = null;
          try {
            asked++;
            result = await rig.dispenser.payout({ jobId: `fuzz-${n}-${asked}`, coins, onProgress: (p) => progress.push(p) });
          } catch (e) {
            if (!(e instanceof DispenserError)) fail('only DispenserError', `payout threw ${describe(e)}`);
            outcomes[`rejected:${e instanceof DispenserError ? e.code : 'other'}`] = (outcomes[`rejected:${e instanceof DispenserError ? e.code : 'other'}`] ?? 0) + 1;
          }
          await until(() => !sim.paying, 10_000).catch(() => fail('hopper stops', 'the simulator was still paying 10 s after the payout'));
          const paidNow = sim.coinsOut - outBefore;
          if (result) {
            outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
            if (result.coinsPaid !== paidNow) fail('definite count = coins out', `payout ${asked} (${coins} coins) reported ${result.coinsPaid} (${result.outcome}, ${result.fault}); the hopper paid ${paidNow}`);
          }
          if (progress.some((p, i) => p > coins || (i > 0 && p < progress[i - 1]!))) fail('progress', `progress ${progress.join(',')} for ${coins} coins`);
          const accepted = sim.dispenseLog.slice(logBefore);
          if (accepted.some((c) => c !== coins)) fail('167 asks the coins requested', `accepted 167s ${accepted.join(',')} for a payout of ${coins}`);
          // Settle what is in doubt on a clean line, then the journal must hold exactly what left the hopper.
          if (rig.journal.openIntents().length > 0) {
            line.enabled = false;
            try {
              const settled = await rig.dispenser.settleInDoubt();
              const s = settled.reduce((t, x) => t + x.coinsPaid, 0);
              if (!result && s !== paidNow) fail('settled count = coins out', `payout ${asked} (${coins}) in doubt, settled as ${s}; the hopper paid ${paidNow}`);
            } catch (e) {
              fail('settles on a clean line', `settleInDoubt threw ${describe(e)}`);
            }
            line.enabled = true;
          }
        }
        const seen167 = sim.seen.get(167) ?? 0;
        if (seen167 > asked) fail('no unasked 167', `the hopper saw ${seen167} dispense commands for ${asked} payouts`);
        if (sim.dispenseCommands > asked) fail('no unasked 167', `the hopper accepted ${sim.dispenseCommands} dispense commands for ${asked} payouts`);
        if (rig.journal.openIntents().length > 0) fail('journal settled', `${rig.journal.openIntents().length} intents still open`);
        if (rig.journal.coinsPaidTotal() !== sim.coinsOut) fail('journal = coins out', `journal ${rig.journal.coinsPaidTotal()} coins, hopper paid ${sim.coinsOut}`);
      } finally {
        line.stop();
        sim.stop();
        await rig.dispose();
      }
      for (const e of unhandled.slice(unhandledBefore)) fail('no unhandled error', describe(e));
      for (const [k, v] of Object.entries(line.stats.mutated)) mutated[k as LineMutation] = (mutated[k as LineMutation] ?? 0) + v;
      replies += line.stats.replies;
      if (n % 50 === 0) o.progress?.(`serial(${o.line ?? 'mock'}): case ${n}, ${violations.length} violations, ${Math.round(performance.now() - started)} ms`);
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  }
  const duration = Math.round(performance.now() - started);
  const cases = caseNumbers(o).length;
  return {
    fuzzer: o.line === 'pty' ? 'serial_pty' : 'serial',
    seed: o.seed,
    cases,
    violations,
    payouts,
    replies,
    mutated,
    outcomes,
    cases_per_s: Math.round((cases / duration) * 1000 * 10) / 10,
    duration_ms: duration,
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `non-Error ${typeof e}: ${String(e)}`;
}
