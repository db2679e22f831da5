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
import { allScenarios, type DrivenRun, type RunContext, type Scenario } from './scenarios';
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
  /** Transactions checked: a run's cash-out, or (issue 15 scenarios) every transaction it started. */
  transactions: number;
  /**
   * ordered: coins cash-outs ordered (also those that ended before any payment); hopper/kiosk/cloud: coins out,
   * each side's count (claims included); owed: coins of credits open or collected; collected: coins claims paid.
   */
  coins: { ordered: number; hopper: number; kiosk: number; cloud: number; owed: number; collected: number };
  /** How the issue 15 scenarios' races went, e.g. `cancel_races_job together: cancel_won`. */
  outcomes: Record<string, number>;
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
    transactions: 0,
    coins: { ordered: 0, hopper: 0, kiosk: 0, cloud: 0, owed: 0, collected: 0 },
    outcomes: {},
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
      const done = await oneRun(stack, report, { run: i, scenario, coins, random, identity: `chaos-${o.seed}-${i}`, settleTimeoutMs: o.settleTimeoutMs ?? 90_000 });
      records.push(...done.records);
      const violations = [...done.records.flatMap(checkRun), ...done.unreached];
      report.violations.push(...violations);
      report.runs += 1;
      report.transactions += done.records.length;
      if (done.outcome) report.outcomes[`${scenario.name} ${done.outcome}`] = (report.outcomes[`${scenario.name} ${done.outcome}`] ?? 0) + 1;
      for (const record of done.records) {
        const claim = record.kind === 'claim';
        if (!claim) report.coins.ordered += record.coins;
        report.coins.hopper += record.hopperCoins;
        if (claim) report.coins.collected += record.hopperCoins;
        report.coins.kiosk += record.kiosk?.coins_paid ?? 0;
        report.coins.cloud += record.cloud?.coins_paid ?? 0;
        report.coins.owed += record.credits.filter((c) => c.state === 'open' || c.state === 'collected').reduce((a, c) => a + c.coins, 0);
      }
      const line = done.records.map((r) => `${r.kind === 'claim' ? 'claim ' : ''}${r.coins} ordered, hopper ${r.hopperCoins}, kiosk ${r.kiosk?.status}/${r.kiosk?.coins_paid ?? 0}, cloud ${r.cloud?.status ?? 'absent'}/${r.cloud?.coins_paid ?? 0}${r.credits.length ? `, credit ${r.credits.map((c) => `${c.reason ?? ''} ${c.coins} ${c.state}`).join('+')}` : ''}`).join(' | ');
      say(`[${i + 1}/${runs}] ${scenario.name}${done.outcome ? ` (${done.outcome})` : ''}: ${line}${violations.length ? ` — ${violations.length} VIOLATION(S): ${violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}` : ''}`);
    }
  } finally {
    report.invariants = tally(records, report.violations);
    // A scenario's own check runs once per run of an issue 15 scenario, not per transaction.
    report.invariants.scenario_reached.checked = runsOf(records, (name) => scenarios.some((s) => s.name === name && s.judge));
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
  random: () => number;
  identity: string;
  settleTimeoutMs: number;
}

/** One run's records (one per transaction it started), what its scenario did not reach, and how its race went. */
interface RunOutcome {
  records: RunRecord[];
  unreached: Violation[];
  outcome: string | null;
}

function runsOf(records: RunRecord[], judged: (scenario: string) => boolean): number {
  return new Set(records.filter((r) => judged(r.scenario)).map((r) => r.run)).size;
}

async function oneRun(stack: ChaosStack, report: ChaosReport, spec: RunSpec): Promise<RunOutcome> {
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
    random: spec.random,
    customer,
    identity: spec.identity,
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
  const driven: DrivenRun = { transactions: [], facts: {} };
  let driveFailure: string | null = null;
  if (spec.scenario.drive) {
    await spec.scenario.drive(ctx, driven).catch((e: unknown) => void (driveFailure = e instanceof Error ? e.message : String(e)));
  } else {
    const txId = await driveCustomer(stack, customer, spec).catch(() => null);
    if (txId) driven.transactions.push(txId);
  }
  customer.close();
  await Promise.all(cloudRestarts);
  if (kioskKilled) await stack.kioskUp();
  if (driven.transactions.length === 0) throw new Error(`run ${spec.run} (${spec.scenario.name}): the kiosk refused to start a cash-out${driveFailure ? `: ${driveFailure}` : ''}`);
  const settled: boolean[] = [];
  for (const txId of driven.transactions) settled.push(await settle(stack, report, txId, since, spec.settleTimeoutMs));
  disarm(stack);
  await Promise.all(cloudRestarts);
  const records = await readRecords(stack, spec, driven, settled, since, { coinsOut: sim.coinsOut - coinsOutBefore, dispenses: sim.dispenseLog.slice(dispensesBefore) });
  const unreached = (problems: string[]): Violation[] =>
    problems.map((detail) => ({ run: spec.run, scenario: spec.scenario.name, transactionId: driven.transactions[0]!, invariant: 'scenario_reached', detail }));
  if (!spec.scenario.judge) return { records, unreached: [], outcome: null };
  const judged = spec.scenario.judge(records, driven);
  return { records, unreached: unreached([...(driveFailure ? [`the scenario stopped: ${driveFailure}`] : []), ...judged.problems]), outcome: judged.outcome };
}

/**
 * What each side recorded about each of the run's transactions. The hopper's coins of the run belong to the
 * transaction whose job the kiosk admitted (the presence rule lets one session be live at a time); when none
 * was admitted, to the first, where `no_coin_outside_session` catches them.
 */
async function readRecords(
  stack: ChaosStack,
  spec: RunSpec,
  driven: DrivenRun,
  settled: boolean[],
  since: string,
  hopper: { coinsOut: number; dispenses: number[] },
): Promise<RunRecord[]> {
  const views = await Promise.all(
    driven.transactions.map(async (txId) => ({ txId, kiosk: readKiosk(stack.kioskDbPath, txId), cloud: await readCloud(stack.cloudUrl, stack.operatorToken, txId, since) })),
  );
  const withJob = views.map((v) => (v.kiosk.tx?.jobs.length ?? 0) > 0).lastIndexOf(true);
  const payer = withJob >= 0 ? withJob : 0;
  const records = views.map((v, k): RunRecord => {
    const kind = v.kiosk.tx?.kind ?? 'cash_out';
    // A claim's coins come with its cloud answer or its job, whichever the kiosk stored.
    const coins = kind === 'claim' ? Math.max(v.kiosk.tx?.coins ?? 0, ...(v.kiosk.tx?.jobs ?? []).map((j) => j.coins)) : (v.kiosk.tx?.coins ?? spec.coins);
    return {
      run: spec.run,
      scenario: spec.scenario.name,
      transactionId: v.txId,
      coins,
      kind,
      hopperCoins: k === payer ? hopper.coinsOut : 0,
      dispenses: k === payer ? hopper.dispenses : [],
      kiosk: v.kiosk.tx,
      cloud: v.cloud.cloud,
      credits: v.cloud.credits,
      outboxUnsent: v.kiosk.outboxUnsent,
      settled: settled[k] ?? false,
    };
  });
  const claim = driven.claim;
  if (claim) {
    // Issue 15: the ledger's collected coins for the claim = the source credit's coins_collected growth.
    const source = records.find((r) => r.transactionId === claim.sourceId);
    const claimRecord = records.find((r) => r.transactionId === claim.claimId);
    if (claimRecord) claimRecord.collected = (source?.credits[0]?.coins_collected ?? 0) - claim.collectedBefore;
  }
  return records;
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
  clearHooks(stack);
  const taps = stack.hopper.sim.taps;
  taps.frame = undefined;
  taps.handled = undefined;
  taps.coin = undefined;
  stack.net.clearFaults();
  const f = stack.hopper.sim.faults;
  // Faults a scenario armed but the run never reached are not carried into the next run.
  Object.assign(f, { dropReplyAfterPaying: false, lateReplyTo: null, armOn: null, powerCycleMidPayout: null, jamAfterCoins: null, corruptChecksum: 0, sendGarbage: 0, lateCounterMs: 0, stallAfterCoins: null });
}

/**
 * Clears the proxy's hooks in place: an exchange keeps the hooks object it started with, so a long-poll
 * already waiting (GET /v1/jobs/next, 25 s) sees hooks the next run sets on the same object, never on a new one.
 */
export function clearHooks(stack: ChaosStack): void {
  const hooks = stack.net.hooks;
  hooks.request = undefined;
  hooks.forward = undefined;
  hooks.answer = undefined;
  hooks.reply = undefined;
}
