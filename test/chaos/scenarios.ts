import type { RunRecord } from './invariants';
import type { KioskCustomer } from './kiosk-customer';
import { SESSION_SCENARIOS } from './session-scenarios';
import type { ChaosStack } from './stack';
import { isAck, isJobDelivery, isRegister, isResultSync, isVerify } from './requests';

/**
 * What can go wrong during one cash-out (issue 8 "Chaos"). Each scenario arms a trigger on the
 * real stack; the trigger fires once, at a named moment seen from outside the kiosk process:
 * - in the test proxy, when a kiosk request reaches it (the cloud has not seen it) or when the
 *   cloud's answer comes back (the cloud committed; the kiosk never hears of it);
 * - in the hopper simulator, when a frame arrives, right after the hopper acted on it, or when a
 *   coin leaves the bowl.
 * The kiosk's own order of work fixes what is durable at each moment (PRODUCT.md "Money rules"):
 * the job is stored before its ack; the payout intent is journaled (synchronous=FULL) before
 * the 167 leaves; the result and its outbox row are written in one SQLite transaction before
 * they are pushed. So "the hopper got a 167" means "after the journal, before the reply".
 */
export type ScenarioKind = 'clean' | 'kill_kiosk' | 'kill_cloud' | 'hopper_fault' | 'net_fault' | 'presence';

export interface RunContext {
  stack: ChaosStack;
  /** Coins this cash-out ordered. */
  coins: number;
  /** The hopper's own count before this cash-out. */
  coinsOutBefore: number;
  /** SIGKILLs the kiosk now (once per run); the runner restarts it. */
  killKiosk(point: string): void;
  /** SIGKILLs the cloud API now; the runner restarts it after `downMs`. */
  killCloud(point: string, downMs: number): void;
  /** Records that a hopper or network fault was injected. */
  fault(name: string): void;
  /** The run's seeded PRNG (a scenario's random choices replay with the seed). */
  random(): number;
  /** The customer at the idle kiosk, connected over the kiosk's WebSocket. */
  customer: KioskCustomer;
  /** The World ID identity this run's customer scans with. */
  identity: string;
}

/** What a scenario that drives its own customers (issue 15) did: its transactions and what it saw. */
export interface DrivenRun {
  /** The run's transactions in the order they started; each is settled and checked. */
  transactions: string[];
  /** A claim and the cash-out whose credit it collects, with that credit's coins_collected before the claim. */
  claim?: { claimId: string; sourceId: string; collectedBefore: number };
  /** What the scenario saw while it drove, for its judge. */
  facts: Record<string, string | number | boolean>;
}

export interface Scenario {
  name: string;
  kind: ScenarioKind;
  arm(ctx: RunContext): void;
  /** Drives the run's customers itself; without it the runner does one cash-out, paid at once (runner.ts). */
  drive?(ctx: RunContext, run: DrivenRun): Promise<void>;
  /**
   * After every transaction of the run settled: which way the run went (`outcome`, counted in the report) and
   * what the scenario set out to cause but did not (`problems`: each a `scenario_reached` violation).
   */
  judge?(records: RunRecord[], run: DrivenRun): { outcome: string; problems: string[] };
}

const DISPENSE = 167;
const REQUEST_STATUS = 166;

/** Kill the kiosk when a matching request reaches the proxy, before the cloud sees it. */
function killOnRequest(name: string, match: (method: string, path: string, body: string) => boolean): Scenario {
  return {
    name,
    kind: 'kill_kiosk',
    arm: (ctx) => {
      ctx.stack.net.hooks.request = (ex) => {
        if (!match(ex.method, ex.path, ex.text)) return;
        ctx.stack.net.hooks.request = undefined; // once
        ctx.killKiosk(name);
        return { kind: 'drop' };
      };
    },
  };
}

/** Kill the kiosk when the cloud's answer to a matching request comes back: the cloud committed. */
function killOnResponse(name: string, match: (method: string, path: string, status: number, body: string) => boolean): Scenario {
  return {
    name,
    kind: 'kill_kiosk',
    arm: (ctx) => {
      ctx.stack.net.hooks.answer = (ex, answer) => {
        if (!match(ex.method, ex.path, answer.status, ex.text)) return;
        ctx.stack.net.hooks.answer = undefined; // once
        ctx.killKiosk(name);
        return { kind: 'drop' };
      };
    },
  };
}

/** Kill the kiosk when this cash-out's n-th coin leaves the hopper (n from the ordered coins). */
function killAtCoin(name: string, nth: (coins: number) => number): Scenario {
  return {
    name,
    kind: 'kill_kiosk',
    arm: (ctx) => {
      const at = ctx.coinsOutBefore + Math.max(1, nth(ctx.coins));
      ctx.stack.hopper.sim.taps.coin = (out) => {
        if (out !== at) return;
        ctx.stack.hopper.sim.taps.coin = undefined; // once
        ctx.killKiosk(name);
      };
    },
  };
}

export const KIOSK_KILL_POINTS: Scenario[] = [
  killOnRequest('kiosk_before_register', (m, p) => isRegister(m, p)),
  killOnResponse('kiosk_after_register', (m, p, s) => isRegister(m, p) && s === 201),
  killOnRequest('kiosk_before_verify', (m, p) => isVerify(m, p)),
  killOnResponse('kiosk_after_verify', (m, p, s) => isVerify(m, p) && s === 200),
  killOnResponse('kiosk_during_job_delivery', (m, p, s) => isJobDelivery(m, p, s)),
  killOnRequest('kiosk_before_job_ack', (m, p) => isAck(m, p)),
  killOnResponse('kiosk_after_job_ack', (m, p) => isAck(m, p)),
  {
    name: 'kiosk_after_journal_before_dispense',
    kind: 'kill_kiosk',
    arm: (ctx) => {
      ctx.stack.hopper.sim.taps.frame = (header) => {
        if (header !== DISPENSE) return;
        ctx.stack.hopper.sim.taps.frame = undefined; // once
        ctx.killKiosk('kiosk_after_journal_before_dispense');
        return 'drop';
      };
    },
  },
  {
    name: 'kiosk_after_dispense_before_reply',
    kind: 'kill_kiosk',
    arm: (ctx) => {
      ctx.stack.hopper.sim.taps.handled = (header) => {
        if (header !== DISPENSE) return;
        ctx.stack.hopper.sim.taps.handled = undefined; // once
        ctx.killKiosk('kiosk_after_dispense_before_reply');
      };
    },
  },
  killAtCoin('kiosk_mid_payout', (coins) => Math.floor(coins / 2)),
  killAtCoin('kiosk_after_last_coin', (coins) => coins),
  killOnRequest('kiosk_before_result_sync', (m, p, b) => isResultSync(m, p, b)),
  killOnResponse('kiosk_after_result_sync', (m, p, _s, b) => isResultSync(m, p, b)),
  {
    // A second crash while the restarted kiosk settles the first one from the hopper's counters.
    name: 'kiosk_mid_payout_then_during_recovery',
    kind: 'kill_kiosk',
    arm: (ctx) => {
      const at = ctx.coinsOutBefore + Math.max(1, Math.floor(ctx.coins / 2));
      const sim = ctx.stack.hopper.sim;
      sim.taps.coin = (out) => {
        if (out !== at) return;
        ctx.killKiosk('kiosk_mid_payout_then_during_recovery');
        sim.taps.coin = undefined;
        let seen = 0;
        sim.taps.frame = (header) => {
          // The restarted kiosk's first counter read (166) belongs to its recovery.
          if (header !== REQUEST_STATUS || ++seen > 1) return;
          ctx.killKiosk('kiosk_during_recovery');
          sim.taps.frame = undefined;
          return 'drop';
        };
      };
    },
  },
];

export const CLOUD_KILL_POINTS: Scenario[] = [
  {
    name: 'cloud_killed_at_verify',
    kind: 'kill_cloud',
    arm: (ctx) => {
      ctx.stack.net.hooks.request = (ex) => {
        if (!isVerify(ex.method, ex.path)) return;
        ctx.stack.net.hooks.request = undefined;
        ctx.killCloud('cloud_killed_at_verify', 1500);
      };
    },
  },
  {
    name: 'cloud_killed_mid_payout',
    kind: 'kill_cloud',
    arm: (ctx) => {
      const at = ctx.coinsOutBefore + Math.max(1, Math.floor(ctx.coins / 2));
      ctx.stack.hopper.sim.taps.coin = (out) => {
        if (out !== at) return;
        ctx.stack.hopper.sim.taps.coin = undefined;
        ctx.killCloud('cloud_killed_mid_payout', 2000);
      };
    },
  },
  {
    name: 'cloud_killed_at_result_sync',
    kind: 'kill_cloud',
    arm: (ctx) => {
      ctx.stack.net.hooks.request = (ex) => {
        if (!isResultSync(ex.method, ex.path, ex.text)) return;
        ctx.stack.net.hooks.request = undefined;
        ctx.killCloud('cloud_killed_at_result_sync', 1500);
      };
    },
  },
];

function hopperFault(name: string, apply: (ctx: RunContext) => void): Scenario {
  return {
    name,
    kind: 'hopper_fault',
    arm: (ctx) => {
      ctx.fault(name);
      apply(ctx);
    },
  };
}

export const HOPPER_FAULTS: Scenario[] = [
  hopperFault('hopper_jam', (ctx) => void (ctx.stack.hopper.sim.faults.jamAfterCoins = Math.floor(ctx.coins / 2))),
  hopperFault('hopper_runs_empty', (ctx) => {
    const sim = ctx.stack.hopper.sim;
    const at = ctx.coinsOutBefore + Math.max(1, Math.floor(ctx.coins / 2));
    sim.taps.coin = (out) => {
      if (out !== at) return;
      sim.taps.coin = undefined;
      sim.faults.empty = true;
    };
  }),
  hopperFault('hopper_lost_dispense_reply', (ctx) => void (ctx.stack.hopper.sim.faults.dropReplyAfterPaying = true)),
  hopperFault('hopper_late_dispense_reply', (ctx) => void (ctx.stack.hopper.sim.faults.lateReplyTo = { header: DISPENSE, ms: 1500 })),
  hopperFault('hopper_power_cycle', (ctx) => {
    ctx.stack.hopper.sim.faults.powerCycleMidPayout = { afterCoins: Math.max(1, Math.floor(ctx.coins / 2)), offMs: 400 };
  }),
  hopperFault('hopper_corrupt_dispense_reply', (ctx) => {
    ctx.stack.hopper.sim.faults.armOn = { header: DISPENSE, faults: { corruptChecksum: 1, sendGarbage: 5 } };
  }),
  // Issue 13: the 167 is answered (ACK, or the counter) but 166 shows it only 1.5 s later, past the stale-reply window.
  hopperFault('hopper_late_counter', (ctx) => void (ctx.stack.hopper.sim.faults.armOn = { header: DISPENSE, faults: { lateCounterMs: 1500 } })),
  // Issue 13: the motor turns, no coin leaves, no flag: the kiosk's time limit ends it with 172.
  hopperFault('hopper_stall', (ctx) => void (ctx.stack.hopper.sim.faults.stallAfterCoins = Math.max(1, Math.floor(ctx.coins / 2)))),
  // Issue 13: mid-payout the hopper is replaced behind the same port (another serial, its own counters).
  hopperFault('hopper_swap', (ctx) => {
    const { sim } = ctx.stack.hopper;
    const at = ctx.coinsOutBefore + Math.max(1, Math.floor(ctx.coins / 2));
    sim.taps.coin = (out) => {
      if (out !== at) return;
      sim.taps.coin = undefined;
      ctx.stack.handCounts.set(sim.serial, out - ctx.coinsOutBefore);
      void sim.swap(sim.serial + 1, 400, { dispenseCount: 0 });
    };
  }),
];

function netFault(name: string, apply: (ctx: RunContext) => void): Scenario {
  return {
    name,
    kind: 'net_fault',
    arm: (ctx) => {
      ctx.fault(name);
      apply(ctx);
    },
  };
}

export const NETWORK_FAULTS: Scenario[] = [
  netFault('net_mixed_faults', (ctx) =>
    ctx.stack.net.setFaults({
      rules: [
        { match: '*', probability: 0.12, fault: { kind: 'lose_response' } },
        { match: '*', probability: 0.08, fault: { kind: 'drop_connection' } },
        { match: '*', probability: 0.1, fault: { kind: 'duplicate_request', order: 'concurrent' } },
        { match: '*', probability: 0.08, fault: { kind: 'respond_5xx', status: 503 } },
        { match: '*', probability: 0.05, fault: { kind: 'reset_mid_request_body' } },
        { match: '*', probability: 0.1, fault: { kind: 'delay_ms', ms: 300, phase: 'response' } },
      ],
    }),
  ),
  netFault('net_outage_after_payment', (ctx) => {
    // The link drops once the cloud confirmed the verification, and comes back 3 s later.
    ctx.stack.net.hooks.answer = (ex, answer) => {
      if (!isVerify(ex.method, ex.path) || answer.status !== 200) return;
      ctx.stack.net.hooks.answer = undefined;
      ctx.stack.net.setFaults({ rules: [{ match: '*', fault: { kind: 'refuse' } }] });
      setTimeout(() => ctx.stack.net.clearFaults(), 3000);
    };
  }),
  netFault('net_lost_ack_and_result', (ctx) =>
    ctx.stack.net.setFaults({
      rules: [
        { match: 'POST /v1/jobs', times: 1, fault: { kind: 'lose_response' } },
        { match: 'POST /v1/sync', times: 2, fault: { kind: 'lose_response' } },
      ],
    }),
  ),
];

export const CLEAN: Scenario = { name: 'clean', kind: 'clean', arm: () => undefined };

export function allScenarios(o: { cloudKills: boolean }): Scenario[] {
  return [CLEAN, ...KIOSK_KILL_POINTS, ...(o.cloudKills ? CLOUD_KILL_POINTS : []), ...HOPPER_FAULTS, ...NETWORK_FAULTS, ...SESSION_SCENARIOS];
}
