import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminStatusSchema } from '../../contract/admin-api';
import { createPrng } from '../support/prng';
import { NO_FAULTS } from '../../sim/hopper/sim-types';
import { approve } from '../../sim/worldid/phone';
import { payTransaction } from '../../sim/worldid/phone-pay';
import { checkRun, tally, type RunRecord, type Violation } from './invariants';
import { KioskCustomer } from './kiosk-customer';
import { readCloud, readKiosk } from './observe';
import { allScenarios, type RunContext, type Scenario } from './scenarios';
import { startChaosStack, type ChaosStack } from './stack';

/**
 * `npm run chaos` (issue 8): N cash-outs through the real stack, one after another, each under a
 * scenario (a kill at a named point, a hopper fault, a network fault, or none); after each the
 * runner waits for the system to settle by itself and checks the invariants (invariants.ts).
 * The only help the system gets is what a technician would give: after a hopper fault that
 * takes the kiosk out of service, the runner clears the simulator's fault and uses the admin
 * commands (reset, settle, refill) over the same API the admin screen uses.
 */
export interface ChaosOptions {
  /** Cash-outs to run; 'each': every scenario once (the reduced pass `npm test` runs). */
  runs: number | 'each';
  seed: number;
  databaseUrl?: string;
  /** Only these scenarios (by name); default all. */
  only?: string[];
  /** The hopper's reply form for the whole run (the ACK-form scenarios mean most with 'ack'). */
  replyForm?: 'event_counter' | 'ack';
  progress?: (line: string) => void;
  settleTimeoutMs?: number;
}

export interface ChaosReport {
  runs: number;
  seed: number;
  backend: 'postgres' | 'pglite';
  kills: { kiosk: number; cloud: number; kiosk_restarts: number; points: Record<string, number> };
  faults: Record<string, number>;
  technician_actions: number;
  /** What the technician found and did, visit by visit. */
  technician_log: string[];
  screens: Record<string, number>;
  coins: { ordered: number; hopper: number; kiosk: number; cloud: number; owed: number };
  invariants: ReturnType<typeof tally>;
  violations: Violation[];
  duration_ms: number;
}

const ADMIN_PIN = '2468';

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const say = o.progress ?? (() => undefined);
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'roluatm-chaos-'));
  const random = createPrng(o.seed);
  const coinsLoaded = (o.runs === 'each' ? 100 : o.runs) * 20 + 200;
  const stack = await startChaosStack({ dataDir, databaseUrl: o.databaseUrl, coinsLoaded, coinsPerSecond: 40, log: () => undefined, ...(o.replyForm ? { replyForm: o.replyForm } : {}) });
  const scenarios = allScenarios({ cloudKills: stack.backend === 'postgres' }).filter((s) => !o.only || o.only.includes(s.name));
  if (scenarios.length === 0) throw new Error(`no scenario named ${o.only?.join(', ')}`);
  const runs = o.runs === 'each' ? scenarios.length : o.runs;
  const report: ChaosReport = {
    runs: 0,
    seed: o.seed,
    backend: stack.backend,
    kills: { kiosk: 0, cloud: 0, kiosk_restarts: 0, points: {} },
    faults: {},
    technician_actions: 0,
    technician_log: [],
    screens: {},
    coins: { ordered: 0, hopper: 0, kiosk: 0, cloud: 0, owed: 0 },
    invariants: tally([], []),
    violations: [],
    duration_ms: 0,
  };
  const records: RunRecord[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // Every scenario once, in order, then at random: a short run still covers every named point.
      const scenario = i < scenarios.length ? scenarios[i]! : scenarios[Math.floor(random() * scenarios.length)]!;
      const coins = 4 * (1 + Math.floor(random() * 5));
      const record = await oneRun(stack, report, { run: i, scenario, coins, identity: `chaos-${o.seed}-${i}`, settleTimeoutMs: o.settleTimeoutMs ?? 90_000 });
      records.push(record);
      const violations = checkRun(record);
      report.violations.push(...violations);
      report.runs += 1;
      report.coins.ordered += record.coins;
      report.coins.hopper += record.hopperCoins;
      report.coins.kiosk += record.kiosk?.coins_paid ?? 0;
      report.coins.cloud += record.cloud?.coins_paid ?? 0;
      report.coins.owed += record.credits.filter((c) => c.state === 'open' || c.state === 'collected').reduce((a, c) => a + c.coins, 0);
      say(`[${i + 1}/${runs}] ${scenario.name}: ${record.coins} ordered, hopper ${record.hopperCoins}, kiosk ${record.kiosk?.status}/${record.kiosk?.coins_paid ?? 0}, cloud ${record.cloud?.status ?? 'absent'}/${record.cloud?.coins_paid ?? 0}${violations.length ? ` — ${violations.length} VIOLATION(S): ${violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}` : ''}`);
    }
  } finally {
    report.invariants = tally(records, report.violations);
    report.kills.kiosk_restarts = stack.kioskRestarts;
    report.duration_ms = Date.now() - started;
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

interface RunSpec {
  run: number;
  scenario: Scenario;
  coins: number;
  identity: string;
  settleTimeoutMs: number;
}

async function oneRun(stack: ChaosStack, report: ChaosReport, spec: RunSpec): Promise<RunRecord> {
  const sim = stack.hopper.sim;
  const since = new Date(Date.now() - 60_000).toISOString();
  const customer = await readyCustomer(stack, report);
  const coinsOutBefore = sim.coinsOut;
  const dispensesBefore = sim.dispenseLog.length;
  let kioskKilled = false;
  let kills = 0;
  let cloudKills = 0;
  const cloudRestarts: Promise<void>[] = [];
  const ctx: RunContext = {
    stack,
    coins: spec.coins,
    coinsOutBefore,
    killKiosk(point) {
      // One kill per run, except the scenario that kills again during recovery (it names its second point).
      if (kills++ > 0 && point !== 'kiosk_during_recovery') return;
      stack.killKioskNow();
      kioskKilled = true;
      report.kills.kiosk += 1;
      report.kills.points[point] = (report.kills.points[point] ?? 0) + 1;
    },
    killCloud(point, downMs) {
      if (cloudKills++ > 0) return;
      stack.killCloudNow();
      report.kills.cloud += 1;
      report.kills.points[point] = (report.kills.points[point] ?? 0) + 1;
      cloudRestarts.push(new Promise((r) => setTimeout(r, downMs)).then(() => stack.restartCloud()));
    },
    fault(name) {
      report.faults[name] = (report.faults[name] ?? 0) + 1;
    },
  };
  spec.scenario.arm(ctx);
  const txId = await driveCustomer(stack, customer, spec).catch(() => null);
  customer.close();
  await Promise.all(cloudRestarts);
  if (kioskKilled) await stack.kioskUp();
  if (!txId) throw new Error(`run ${spec.run} (${spec.scenario.name}): the kiosk refused to start a cash-out`);
  const settled = await settle(stack, report, txId, since, spec.settleTimeoutMs);
  disarm(stack);
  await Promise.all(cloudRestarts);
  const kiosk = readKiosk(stack.kioskDbPath, txId);
  const cloud = await readCloud(stack.cloudUrl, stack.operatorToken, txId, since);
  return {
    run: spec.run,
    scenario: spec.scenario.name,
    transactionId: txId,
    coins: spec.coins,
    hopperCoins: sim.coinsOut - coinsOutBefore,
    dispenses: sim.dispenseLog.slice(dispensesBefore),
    kiosk: kiosk.tx,
    cloud: cloud.cloud,
    credits: cloud.credits,
    outboxUnsent: kiosk.outboxUnsent,
    settled,
  };
}

/** The customer walks up: start, scan with World App, pay in World App, watch the coins. */
async function driveCustomer(stack: ChaosStack, customer: KioskCustomer, spec: RunSpec): Promise<string | null> {
  const started = await customer.call('startCashOut', { amount_cents: spec.coins * 25 });
  if (!started.ok) return null;
  const txId = (started.value as { transaction_id: string }).transaction_id;
  const ended = (s: { flow: { screen: string } }) => ['done', 'error', 'idle'].includes(s.flow.screen);
  const onTx = (s: { flow: { screen: string; transaction_id?: string | null } }) => s.flow.transaction_id === txId;
  try {
    const scan = await customer.waitFor((s) => (s.flow.screen === 'scan' && onTx(s)) || ended(s), 'the QR code', 30_000);
    if (scan.flow.screen !== 'scan') return txId;
    await approve(scan.flow.connector_uri, { identity: spec.identity });
    const pay = await customer.waitFor((s) => (s.flow.screen === 'waiting_payment' && onTx(s)) || ended(s) || s.flow.screen === 'dispensing', 'the payment QR', 30_000);
    if (pay.flow.screen === 'waiting_payment') await payTransaction({ cloudUrl: stack.cloudUrl, portalUrl: stack.portalUrl }, txId, { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 300))) });
    await customer.waitFor((s) => ended(s) && s.flow.screen !== 'idle', 'the end of the payout', 60_000);
  } catch {
    // The kiosk went away (killed) or the flow stalled: the settle step decides what happened.
  }
  return txId;
}

/**
 * A connected customer at an idle, in-service kiosk. Offline or recovering kiosks get time to come
 * back by themselves (≤ 60 s); a hopper out of service (fault or empty) gets a technician visit.
 */
async function readyCustomer(stack: ChaosStack, report: ChaosReport): Promise<KioskCustomer> {
  const deadline = Date.now() + 60_000;
  let visits = 0;
  while (Date.now() < deadline) {
    const customer = await KioskCustomer.connect(await stack.kioskUp()).catch(() => null);
    if (!customer) continue;
    if (['done', 'error'].includes(customer.state!.flow.screen)) await customer.call('dismiss');
    try {
      await customer.waitFor((s) => s.flow.screen === 'idle' && s.out_of_service === null && s.online, 'an idle kiosk in service', 4_000);
      return customer;
    } catch {
      const reason = customer.state?.out_of_service;
      if ((reason === 'hopper' || reason === 'empty') && visits < 3) {
        visits += 1;
        await technician(stack, customer, report);
      }
      customer.close();
    }
  }
  throw new Error('the kiosk did not come back into service within 60 s');
}

/** What a technician does at a kiosk out of service: fix the hopper, reset it, settle, refill. */
async function technician(stack: ChaosStack, customer: KioskCustomer, report: ChaosReport): Promise<void> {
  report.technician_actions += 1;
  const why = `${customer.state?.out_of_service ?? 'in service'} ${customer.state?.hopper.faults.join(',') ?? ''}`;
  Object.assign(stack.hopper.sim.faults, NO_FAULTS);
  const steps: string[] = [];
  const step = async (name: Parameters<KioskCustomer['call']>[0], params: unknown = {}) => {
    const r = await customer.call(name, params);
    steps.push(`${name}: ${r.ok ? 'ok' : r.error.code}`);
    return r.ok;
  };
  if (await step('adminUnlock', { pin: ADMIN_PIN })) {
    await step('adminSettleInDoubt');
    // a payout left open on a hopper that was swapped out: count its coins, settle it by hand
    for (let tries = 0; tries < 20; tries++) {
      const reply = await customer.call('adminStatus', {});
      const status = reply.ok ? AdminStatusSchema.safeParse(reply.value) : null;
      const now = status?.success ? status.data.hopper.identity?.serial : undefined;
      const swapped = status?.success ? status.data.in_doubt.filter((x) => now !== undefined && x.hopper_serial !== now) : [];
      if (status?.success && status.data.in_doubt.length === 0) break; // (the health shown may be a moment old while the runner pays)
      for (const p of swapped) {
        await step('adminSettleByHand', { intent_id: p.intent_id, coins_paid: stack.handCounts.get(p.hopper_serial) ?? 0, pin: ADMIN_PIN });
      }
      await new Promise((r) => setTimeout(r, 500)); // the runner may hold the hopper a moment longer
    }
    await step('adminResetHopper');
    await step('adminRefill', { coins: stack.hopper.sim.inventory });
    await step('adminLock');
  }
  report.technician_log.push(`${why}: ${steps.join(', ')}`);
}

/** Waits until the kiosk and the cloud both hold a final state for the transaction and the outbox is empty. */
async function settle(stack: ChaosStack, report: ChaosReport, txId: string, since: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let helped = false;
  while (Date.now() < deadline) {
    const kiosk = readKiosk(stack.kioskDbPath, txId);
    const cloud = await readCloud(stack.cloudUrl, stack.operatorToken, txId, since).catch(() => null);
    const record = { run: 0, scenario: '', transactionId: txId, coins: 0, hopperCoins: 0, dispenses: [], kiosk: kiosk.tx, cloud: cloud?.cloud ?? null, credits: [], outboxUnsent: kiosk.outboxUnsent, settled: true };
    if (cloud && !checkRun(record).some((v) => v.invariant === 'no_stuck_transaction' || v.invariant === 'outbox_empty')) {
      const screen = await finalScreen(stack);
      report.screens[screen] = (report.screens[screen] ?? 0) + 1;
      return true;
    }
    // A payout left in doubt by a hopper fault waits for a technician, as on a real kiosk.
    if (!helped && kiosk.tx?.jobs.some((j) => j.status === 'in_doubt') && Date.now() > deadline - timeoutMs + 10_000) {
      helped = true;
      const c = await KioskCustomer.connect(await stack.kioskUp()).catch(() => null);
      if (c) {
        await technician(stack, c, report);
        c.close();
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** What the screen shows now (error code or screen name), for the report. */
async function finalScreen(stack: ChaosStack): Promise<string> {
  const c = await KioskCustomer.connect(await stack.kioskUp()).catch(() => null);
  if (!c) return 'unreachable';
  const f = c.state!.flow;
  c.close();
  return f.screen === 'error' ? `error:${f.error.code}` : f.screen;
}

function disarm(stack: ChaosStack): void {
  stack.net.hooks = {};
  const taps = stack.hopper.sim.taps;
  taps.frame = undefined;
  taps.handled = undefined;
  taps.coin = undefined;
  stack.net.clearFaults();
  const f = stack.hopper.sim.faults;
  // Faults a scenario armed but the run never reached are not carried into the next run.
  Object.assign(f, { dropReplyAfterPaying: false, lateReplyTo: null, armOn: null, powerCycleMidPayout: null, jamAfterCoins: null, corruptChecksum: 0, sendGarbage: 0, lateCounterMs: 0, stallAfterCoins: null });
}
