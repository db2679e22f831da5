import type { Logger } from 'pino';
import type { Clock } from '../contract/clock';
import type { KioskApi, KioskState } from '../contract/kiosk-api';
import { ok } from '../contract/result';
import { createKioskApi } from './api/kiosk-api-impl';
import type { KioskConfig } from './config';
import { inventoryCoins, seedInventoryIfEmpty } from './db/inventory';
import { getEnrollment, type Enrollment } from './db/kiosk-state';
import { openKioskDb, type KioskDb } from './db/open-db';
import { reservedCoins } from './db/transactions';
import type { Dispenser } from './hardware/dispenser';
import { CashOutFlow } from './kiosk/cash-out-flow';
import { ensureEnrolled } from './kiosk/enrollment';
import { outOfService, readHealth, toHopperHealth, UNKNOWN_HOPPER } from './kiosk/kiosk-status';
import { createPayoutRunner } from './kiosk/payout-runner';
import { recoverAtStartup } from './kiosk/startup-recovery';
import type { StartWorldIdRequest } from './kiosk/world-id-port';
import { realTimers, type Timers } from './sync/backoff';
import { createCloudClient } from './sync/cloud-client';
import { startJobReceiver, type JobReceiver } from './sync/job-receiver';
import { createOutboxPusher } from './sync/outbox-pusher';

export const KIOSK_VERSION = '0.1.0';
const HEALTH_POLL_MS = 5_000;

export interface KioskAppDeps {
  clock: Clock;
  log: Logger;
  dispenser: Dispenser;
  db?: KioskDb;
  startWorldIdRequest?: StartWorldIdRequest;
  timers?: Timers;
}

/**
 * Wires the kiosk core (ARCHITECTURE.md "Processes"): SQLite, enrolment, outbox pusher, job
 * receiver, payout runner, the customer flow, and the KioskApi the renderer calls.
 * `stop()` never interrupts a payout: it waits for the one in progress to settle.
 */
export async function startKioskApp(config: KioskConfig, deps: KioskAppDeps): Promise<{ api: KioskApi; stop(): Promise<void> }> {
  const { clock, log, dispenser } = deps;
  const timers = deps.timers ?? realTimers;
  const db = deps.db ?? openKioskDb(config.dbPath);
  const startWorldId = deps.startWorldIdRequest ?? (await import('./worldid/request')).startWorldIdRequest;
  if (config.inventorySeedCoins !== null) seedInventoryIfEmpty(db, clock, config.inventorySeedCoins);

  let enrollment: Enrollment | null = getEnrollment(db);
  let online = false;
  let hopper = UNKNOWN_HOPPER;
  const abort = new AbortController();
  const listeners = new Set<(s: KioskState) => void>();
  let lastSent = '';

  const client = createCloudClient({ baseUrl: config.cloudUrl, token: () => enrollment?.token ?? null });
  const pusher = createOutboxPusher({ db, clock, log, client, timers, onReachable: (r) => setOnline(r) });
  const onWrite = () => void pusher.kick();
  const freeCoins = () => inventoryCoins(db) - reservedCoins(db);

  const state = (): KioskState => ({
    flow: flow.state,
    online,
    out_of_service: outOfService({ enrolled: enrollment !== null, online, hopper, freeCoins: freeCoins(), minCoins: config.limits.min_cents / 25 }),
    hopper: { ...hopper, coins_available: Math.max(0, inventoryCoins(db)) },
    limits: config.limits,
    fee: config.fee,
    version: KIOSK_VERSION,
    demo_phone_url: config.demoPhoneUrl,
  });
  const emit = () => {
    const s = state();
    const text = JSON.stringify(s);
    if (text === lastSent) return;
    lastSent = text;
    for (const l of listeners) l(s);
  };
  function setOnline(value: boolean) {
    if (online === value) return;
    online = value;
    emit();
  }

  const flow = new CashOutFlow({
    db, clock, log, client, timers, onWrite, freeCoins,
    startWorldIdRequest: startWorldId,
    config,
    outOfService: () => state().out_of_service,
    onChange: emit,
  });
  const runner = createPayoutRunner({
    db, clock, log, dispenser, onWrite,
    onEvent: (e) => {
      flow.onPayoutEvent(e);
      if (e.kind === 'finished' || e.kind === 'in_doubt') void refreshHealth();
    },
  });

  async function refreshHealth(): Promise<void> {
    if (runner.busy) return;
    hopper = toHopperHealth(await readHealth(dispenser), inventoryCoins(db));
    emit();
  }

  await dispenser.open().catch((e: unknown) => log.error({ err: e }, 'hopper not reachable at start-up; retrying in the background'));
  await refreshHealth();
  await recoverAtStartup({ db, clock, log, dispenser, runner, onWrite });
  const healthTimer = setInterval(() => void refreshHealth(), HEALTH_POLL_MS);
  healthTimer.unref();

  let receiver: JobReceiver | null = null;
  const enrolling = ensureEnrolled({ db, log, client, code: config.enrollmentCode, name: config.kioskName, abort: abort.signal, timers }).then((e) => {
    enrollment = e;
    emit();
    if (!e || abort.signal.aborted) return;
    receiver = startJobReceiver({
      db, clock, log, client, timers, onWrite,
      enrollment: () => enrollment,
      onJob: (job) => void runner.enqueue(job.id),
      onOnline: setOnline,
    });
    onWrite();
  });

  const api = createKioskApi({
    log,
    handlers: {
      getState: () => ok(state()),
      startCashOut: ({ amount_cents }) => flow.startCashOut(amount_cents),
      cancel: () => flow.cancel(),
      dismiss: () => flow.dismiss(),
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state());
      return () => listeners.delete(listener);
    },
  });

  return {
    api,
    async stop() {
      abort.abort();
      clearInterval(healthTimer);
      await enrolling;
      await (receiver as JobReceiver | null)?.stop();
      flow.stop();
      await runner.idle();
      pusher.stop();
      await dispenser.close().catch((e: unknown) => log.warn({ err: e }, 'dispenser close failed'));
      if (!deps.db) db.close();
    },
  };
}
