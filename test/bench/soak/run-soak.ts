import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { systemClock } from '../../../contract/clock';
import type { FlowState, KioskApi, KioskState } from '../../../contract/kiosk-api';
import { parseKioskConfig } from '../../../main/config';
import { outboxCounts } from '../../../main/db/outbox';
import { openKioskDb } from '../../../main/db/open-db';
import { getTransaction } from '../../../main/db/transactions';
import { createCcTalkDispenser } from '../../../main/hardware/cctalk-dispenser';
import { PayoutJournal } from '../../../main/hardware/payout-journal';
import { startKioskApp } from '../../../main/kiosk-app';
import type { StartWorldIdRequest } from '../../../main/kiosk/world-id-port';
import { installFetchFileShim } from '../../../main/worldid/fetch-file-shim';
import { startWorldIdRequest } from '../../../main/worldid/request';
import { startServices } from './services-client';
import type { Totals } from './protocol';

/**
 * The kiosk soak (issue 8 "Load and soak"): `cashouts` sequential $1 cash-outs (4 quarters each)
 * through the real kiosk core in THIS process — startKioskApp on a real SQLite file, the real ccTalk
 * dispenser over a socat pty, the real idkit-core, the outbox pusher and the job long-poll — against
 * test/bench/soak/services.ts in a child process (real cloud API, bridge/portal/phone simulators, hopper
 * simulator). So process.memoryUsage() here is the kiosk core's own (plus this small driver loop).
 *
 * Two speed knobs, both ordinary options of the real parts, so 10,000 runs fit in minutes:
 * - idkit-core polls the bridge every `worldIdPollMs` (the product's default is 1,000 ms, which would
 *   make the soak about 10,000 × 1 s of waiting for the phone);
 * - the dispenser polls hopper status (166) every `statusPollMs` (product default 100 ms) and the
 *   simulated hopper pays `coinsPerSecond` (a real one about 7).
 *
 * Every cash-out must end on the 'done' screen with exactly its coins paid (screen and SQLite row);
 * at the end the hopper's own coinsOut, the kiosk's coins_paid sum and the cloud's must be equal,
 * and the outbox empty. Any miss throws SoakFailure.
 */
export interface SoakOptions {
  cashouts: number;
  /** Memory sample every this many cash-outs (plus one at the end of the warm-up and at the end). */
  sampleEvery: number;
  /** Fraction of the run that warms up before the baseline sample (issue 8: ~5 %). */
  warmupFraction?: number;
  amountCents?: number;
  worldIdPollMs?: number;
  statusPollMs?: number;
  coinsPerSecond?: number;
  /** Postgres admin url for the cloud's scratch database; absent: PGlite. */
  databaseUrl?: string;
  /** Called every `progressEvery` cash-outs (the bench prints it to stderr). */
  onProgress?: (p: SoakProgress) => void;
  progressEvery?: number;
  /** Longest a single cash-out may take before the soak fails. */
  cashoutTimeoutMs?: number;
}

export interface SoakProgress {
  done: number;
  total: number;
  elapsedS: number;
  perSecond: number;
  rssMb: number;
}

export interface MemorySample {
  cashouts: number;
  rss_mb: number;
  heap_used_mb: number;
}

/** Where a cash-out's time goes: milliseconds from the previous screen to this one. */
export const PHASES = ['scan', 'verifying', 'waiting_payment', 'dispensing', 'done'] as const;
export type Phase = (typeof PHASES)[number];

export interface SoakResult {
  cashouts: number;
  /** Per phase, ms from the screen before it (registering → scan, scan → verifying, …), one per cash-out. */
  phasesMs: Record<Phase, number[]>;
  coinsPerCashout: number;
  seconds: number;
  latenciesMs: number[];
  samples: MemorySample[];
  warmup: MemorySample;
  end: MemorySample;
  gcExposed: boolean;
  backend: 'postgres' | 'pglite';
  kiosk: { completed: number; coinsPaid: number; outboxDepth: number; quarantined: number };
  other: Totals;
}

export class SoakFailure extends Error {}

const MB = 1024 * 1024;

/** global.gc when node runs with --expose-gc; else the flag is turned on now and gc fetched from a fresh context. */
function getGc(): { gc: () => void; exposed: boolean } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return { gc: g, exposed: true };
  setFlagsFromString('--expose-gc');
  const fromContext = runInNewContext('gc') as (() => void) | undefined;
  return fromContext ? { gc: fromContext, exposed: true } : { gc: () => undefined, exposed: false };
}

function sample(gc: () => void, cashouts: number): MemorySample {
  // Twice: a first full collection can leave garbage a finalizer or weak reference freed only now.
  gc();
  gc();
  const m = process.memoryUsage();
  return { cashouts, rss_mb: round1(m.rss / MB), heap_used_mb: round1(m.heapUsed / MB) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Resolves with the first kiosk state matching `pred` (the current one included). */
function stateWatcher(api: KioskApi) {
  let latest: KioskState | null = null;
  const waiters = new Set<{ pred: (s: KioskState) => boolean; resolve: (s: KioskState) => void }>();
  const unsubscribe = api.onState((s) => {
    latest = s;
    for (const w of waiters) {
      if (w.pred(s)) {
        waiters.delete(w);
        w.resolve(s);
      }
    }
  });
  return {
    get latest() {
      return latest;
    },
    until(pred: (s: KioskState) => boolean, what: string, timeoutMs: number): Promise<KioskState> {
      if (latest && pred(latest)) return Promise.resolve(latest);
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (s: KioskState) => {
            clearTimeout(timer);
            resolve(s);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new SoakFailure(`timed out after ${timeoutMs} ms waiting for ${what}; last state ${JSON.stringify(latest?.flow ?? null)}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    stop: unsubscribe,
  };
}

const onScreen = (txId: string, screens: FlowState['screen'][]) => (s: KioskState) =>
  screens.includes(s.flow.screen) && 'transaction_id' in s.flow && s.flow.transaction_id === txId;

async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await pred())) {
    if (performance.now() > end) throw new SoakFailure(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const amountCents = o.amountCents ?? 100;
  const coinsPerCashout = amountCents / 25; // no fee configured: $1 = 4 quarters
  const timeoutMs = o.cashoutTimeoutMs ?? 30_000;
  const warmupAt = Math.max(1, Math.ceil(o.cashouts * (o.warmupFraction ?? 0.05)));
  // Plenty of coins for the whole run plus a margin, so the hopper never runs low (lowLevel is 20).
  const coinsLoaded = o.cashouts * coinsPerCashout + 200;
  const { gc, exposed } = getGc();

  const services = await startServices({
    coins: coinsLoaded,
    coinsPerSecond: o.coinsPerSecond ?? 1000,
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'soak-kiosk-'));
  const log = pino({ level: 'warn' }, pino.destination(2));
  let app: Awaited<ReturnType<typeof startKioskApp>> | null = null;
  const db = openKioskDb(join(dir, 'kiosk.sqlite'));
  try {
    installFetchFileShim();
    const config = parseKioskConfig({
      CLOUD_URL: services.ready.cloudUrl,
      KIOSK_DATA_DIR: dir,
      ENROLLMENT_CODE: services.ready.enrollmentCode,
      KIOSK_NAME: 'soak-kiosk',
      HOPPER_PORT: services.ready.hopperPath,
      WORLD_ID_BRIDGE_URL: services.ready.bridgeUrl,
      WORLD_ID_ENVIRONMENT: 'staging',
      WORLD_ID_ALLOW_STAGING: '1',
      INVENTORY_SEED_COINS: String(coinsLoaded),
      LOG_LEVEL: 'warn',
    });
    const dispenser = createCcTalkDispenser({
      path: config.hopper.path,
      address: config.hopper.address,
      echo: config.hopper.echo,
      journal: new PayoutJournal(db, systemClock),
      clock: systemClock,
      log: log.child({ part: 'hopper' }),
      statusPollMs: o.statusPollMs ?? 20,
    });
    const pollInterval = o.worldIdPollMs ?? 20;
    const worldId: StartWorldIdRequest = async (opts) => {
      const r = await startWorldIdRequest(opts);
      return { connectorURI: r.connectorURI, requestId: r.requestId, wait: (w) => r.wait({ ...w, pollIntervalMs: pollInterval }) };
    };
    app = await startKioskApp(config, { clock: systemClock, log, dispenser, db, startWorldIdRequest: worldId });
    const watch = stateWatcher(app.api);
    const ready = (s: KioskState) => s.online && s.out_of_service === null && s.hopper.ok && s.flow.screen === 'idle';
    await watch.until(ready, 'the kiosk to be enrolled, online, with the hopper ready', 60_000);

    const runId = Date.now().toString(36);
    const phasesMs = Object.fromEntries(PHASES.map((p) => [p, new Float64Array(o.cashouts)])) as Record<Phase, Float64Array>;
    let current = 0;
    let phaseFrom: { txId: string; at: number; screen: string } | null = null;
    const unwatchPhases = app.api.onState((s) => {
      const f = s.flow;
      if (!phaseFrom || !('transaction_id' in f) || f.transaction_id !== phaseFrom.txId || f.screen === phaseFrom.screen) return;
      const now = performance.now();
      if ((PHASES as readonly string[]).includes(f.screen)) phasesMs[f.screen as Phase][current] = now - phaseFrom.at;
      phaseFrom = { txId: phaseFrom.txId, at: now, screen: f.screen };
    });
    // Preallocated, so the driver's own bookkeeping does not show up as heap growth.
    const latencies = new Float64Array(o.cashouts);
    const samples: MemorySample[] = [];
    let warmup: MemorySample | null = null;
    const started = performance.now();
    for (let i = 1; i <= o.cashouts; i++) {
      await watch.until(ready, `the kiosk ready for cash-out ${i}`, timeoutMs);
      const t0 = performance.now();
      current = i - 1;
      const r = await app.api.startCashOut({ amount_cents: amountCents });
      if (!r.ok) throw new SoakFailure(`cash-out ${i} refused: ${r.error.code} ${r.error.message}`);
      const txId = r.value.transaction_id;
      phaseFrom = { txId, at: t0, screen: 'registering' };
      const scan = await watch.until(onScreen(txId, ['scan', 'error']), `cash-out ${i} QR`, timeoutMs);
      if (scan.flow.screen !== 'scan') throw new SoakFailure(`cash-out ${i} (${txId}) ended before the QR: ${JSON.stringify(scan.flow)}`);
      await services.approve(scan.flow.connector_uri, `soak-${runId}-${i}`);
      const end = await watch.until(onScreen(txId, ['done', 'error']), `cash-out ${i} to finish`, timeoutMs);
      latencies[i - 1] = performance.now() - t0;
      const row = getTransaction(db, txId);
      if (end.flow.screen !== 'done' || end.flow.coins_paid !== coinsPerCashout || row?.status !== 'completed' || row.coins_paid !== coinsPerCashout) {
        throw new SoakFailure(`cash-out ${i} (${txId}) did not pay exactly ${coinsPerCashout} coins: screen ${JSON.stringify(end.flow)}, row ${JSON.stringify(row)}`);
      }
      const dismissed = await app.api.dismiss({});
      if (!dismissed.ok) throw new SoakFailure(`dismiss after cash-out ${i} refused: ${dismissed.error.code}`);

      if (i === warmupAt) samples.push((warmup = sample(gc, i)));
      else if (i % o.sampleEvery === 0 || i === o.cashouts) samples.push(sample(gc, i));
      if (o.onProgress && (i % (o.progressEvery ?? o.sampleEvery) === 0 || i === o.cashouts)) {
        const elapsedS = (performance.now() - started) / 1000;
        o.onProgress({ done: i, total: o.cashouts, elapsedS, perSecond: i / elapsedS, rssMb: process.memoryUsage().rss / MB });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const endSample = samples[samples.length - 1]!;
    watch.stop();
    unwatchPhases();

    // Settle: everything the kiosk wrote reaches the cloud (outbox empty), then compare the three counts.
    await until(() => outboxCounts(db).outbox_depth === 0, 'the outbox to drain', 60_000);
    const expectCoins = o.cashouts * coinsPerCashout;
    let other = await services.totals();
    await until(async () => (other = await services.totals()).cloudCoinsPaid === expectCoins, 'the cloud to record every payout', 60_000).catch(() => undefined);
    const k = db
      .prepare(`SELECT count(*) FILTER (WHERE status = 'completed') AS completed, COALESCE(sum(coins_paid), 0) AS paid FROM transactions`)
      .get() as { completed: number; paid: number };
    const counts = outboxCounts(db);
    const kiosk = { completed: k.completed, coinsPaid: k.paid, outboxDepth: counts.outbox_depth, quarantined: counts.quarantined };
    const violations = [
      other.hopperCoinsOut !== expectCoins && `hopper coinsOut ${other.hopperCoinsOut} ≠ ${expectCoins}`,
      kiosk.coinsPaid !== other.hopperCoinsOut && `kiosk coins_paid sum ${kiosk.coinsPaid} ≠ hopper coinsOut ${other.hopperCoinsOut}`,
      other.cloudCoinsPaid !== other.hopperCoinsOut && `cloud coins_paid sum ${other.cloudCoinsPaid} ≠ hopper coinsOut ${other.hopperCoinsOut}`,
      other.cloudJobCoinsPaid !== other.hopperCoinsOut && `cloud job coins_paid sum ${other.cloudJobCoinsPaid} ≠ hopper coinsOut ${other.hopperCoinsOut}`,
      kiosk.completed !== o.cashouts && `kiosk completed ${kiosk.completed} ≠ ${o.cashouts}`,
      other.cloudCompleted !== o.cashouts && `cloud completed ${other.cloudCompleted} ≠ ${o.cashouts}`,
      other.cloudJobs !== o.cashouts && `cloud jobs ${other.cloudJobs} ≠ ${o.cashouts} (one per transaction)`,
      other.hopperDispenseCommands !== o.cashouts && `hopper saw ${other.hopperDispenseCommands} dispense commands for ${o.cashouts} cash-outs`,
      kiosk.outboxDepth !== 0 && `outbox depth ${kiosk.outboxDepth}`,
      kiosk.quarantined !== 0 && `${kiosk.quarantined} outbox rows quarantined`,
    ].filter((v): v is string => typeof v === 'string');
    if (violations.length > 0) throw new SoakFailure(`soak invariants violated: ${violations.join('; ')}`);

    return {
      cashouts: o.cashouts,
      phasesMs: Object.fromEntries(PHASES.map((p) => [p, Array.from(phasesMs[p])])) as Record<Phase, number[]>,
      coinsPerCashout,
      seconds,
      latenciesMs: Array.from(latencies),
      samples,
      warmup: warmup!,
      end: endSample,
      gcExposed: exposed,
      backend: services.ready.backend,
      kiosk,
      other,
    };
  } finally {
    await app?.stop().catch(() => undefined);
    db.close();
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
