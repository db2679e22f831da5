import type { Logger } from 'pino';
import type { Clock } from '../contract/clock';
import type { KioskApi, KioskState } from '../contract/kiosk-api';
import { err, ok } from '../contract/result';
import { seedAdminPin } from './admin/admin-auth';
import { createAdminService } from './admin/admin-service';
import { ADMIN_RESTART_EXIT_CODE } from './admin/admin-system';
import { withHopperLock } from './admin/hopper-lock';
import { createKioskApi } from './api/kiosk-api-impl';
import type { KioskConfig } from './config';
import { inventoryCoins, seedInventoryIfEmpty } from './db/inventory';
import { getEnrollment, type Enrollment } from './db/kiosk-state';
import { openKioskDb, type KioskDb } from './db/open-db';
import { reservedCoins } from './db/transactions';
import type { Dispenser } from './hardware/dispenser';
import { PayoutJournal } from './hardware/payout-journal';
import { CashOutFlow } from './kiosk/cash-out-flow';
import { ensureEnrolled } from './kiosk/enrollment';
import { afterShortPayout, outOfService, readHealth, toHopperHealth, UNKNOWN_HOPPER } from './kiosk/kiosk-status';
import { createPayoutRunner } from './kiosk/payout-runner';
import { recoverAtStartup, resumeUnfinishedJobs } from './kiosk/startup-recovery';
import type { StartWorldIdRequest } from './kiosk/world-id-port';
import { realTimers, type Timers } from './sync/backoff';
import { createCloudClient } from './sync/cloud-client';
import { startJobReceiver, type JobReceiver } from './sync/job-receiver';
import { createOutboxPusher } from './sync/outbox-pusher';
import { CloudTime } from './sync/cloud-time';
import { startKioskScheduler } from './scheduler/kiosk-scheduler';
import { recentLog } from './log';

export const KIOSK_VERSION = '0.1.0';
const HEALTH_POLL_MS = 5_000;

export interface KioskAppDeps {
  clock: Clock;
  log: Logger;
  dispenser: Dispenser;
  db?: KioskDb;
  startWorldIdRequest?: StartWorldIdRequest;
  timers?: Timers;
  /** Admin "restart": default stops the core and exits with ADMIN_RESTART_EXIT_CODE (the supervisor restarts it). */
  requestRestart?: () => void;
}

/**
 * Wires the kiosk core (ARCHITECTURE.md "Processes"): SQLite, enrolment, outbox pusher, job
 * receiver, payout runner, the customer flow, and the KioskApi the renderer calls.
 * `stop()` never interrupts a payout: it waits for the one in progress to settle.
 */
export async function startKioskApp(config: KioskConfig, deps: KioskAppDeps): Promise<{ api: KioskApi; stop(): Promise<void> }> {
  const { clock, log } = deps;
  // One lock for the runner and the admin screen: never two hopper commands at once (admin/hopper-lock.ts).
  const dispenser = withHopperLock(deps.dispenser);
  const timers = deps.timers ?? realTimers;
  const db = deps.db ?? openKioskDb(config.dbPath);
  const startWorldId = deps.startWorldIdRequest ?? (await import('./worldid/request')).startWorldIdRequest;
  if (config.inventorySeedCoins !== null) seedInventoryIfEmpty(db, clock, config.inventorySeedCoins);
  await seedAdminPin(db, clock, config.adminPin);

  let enrollment: Enrollment | null = getEnrollment(db);
  let online = false;
  let lastContactAt: string | null = null;
  let hopper = UNKNOWN_HOPPER;
  const abort = new AbortController();
  const listeners = new Set<(s: KioskState) => void>();
  let lastSent = '';

  // Job expiry is the cloud's time; a Pi without a real-time clock may be far off (sync/cloud-time.ts).
  const cloudTime = new CloudTime(clock);
  const client = createCloudClient({ baseUrl: config.cloudUrl, token: () => enrollment?.token ?? null, cloudTime });
  const pusher = createOutboxPusher({ db, clock, log, client, timers, onReachable: (r) => setOnline(r) });
  const onWrite = () => void pusher.kick();
  const freeCoins = () => inventoryCoins(db) - reservedCoins(db);

  const state = (): KioskState => ({
    flow: flow.state,
    online,
    out_of_service: admin.maintenance() ? 'maintenance' : outOfService({ enrolled: enrollment !== null, online, hopper, freeCoins: freeCoins(), minCoins: config.limits.min_cents / 25 }),
    hopper: { ...hopper, coins_available: Math.max(0, inventoryCoins(db)) },
    limits: config.limits,
    fee: config.fee,
    version: KIOSK_VERSION,
    demo_phone_url: config.demoPhoneUrl,
    admin_open: admin.isOpen(),
  });
  const emit = () => {
    const s = state();
    const text = JSON.stringify(s);
    if (text === lastSent) return;
    lastSent = text;
    for (const l of listeners) l(s);
  };
  function setOnline(value: boolean) {
    if (value) lastContactAt = clock.now().toISOString();
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
    db, clock, log, dispenser, onWrite, cloudClock: cloudTime,
    onEvent: (e) => {
      if (e.kind === 'finished') hopper = afterShortPayout(hopper, e.fault); // before the end screen is shown
      flow.onPayoutEvent(e);
      // The runner is still busy while it reports (refreshHealth skips then): read the hopper once it is idle.
      if (e.kind === 'finished' || e.kind === 'in_doubt') void runner.idle().then(refreshHealth);
    },
  });

  const customerActive = () => !['idle', 'done', 'error'].includes(flow.state.screen);
  const admin = createAdminService({
    db, clock, log, timers, config, version: KIOSK_VERSION, dispenser, runner, pusher, client, customerActive,
    journal: new PayoutJournal(db, clock),
    network: () => ({ online, lastContactAt }),
    enrollment: () => enrollment,
    onEnrolled: (e) => startReceiver(e),
    onHopperChanged: () => void refreshHealth(),
    onChange: emit,
    requestRestart: deps.requestRestart ?? (() => void app.stop().finally(() => process.exit(ADMIN_RESTART_EXIT_CODE))),
    recentLog: () => recentLog.recent(),
  });

  async function refreshHealth(): Promise<void> {
    if (runner.busy) return;
    const health = await readHealth(dispenser);
    if (abort.signal.aborted) return; // stopping: the database may be closed already
    hopper = toHopperHealth(health, inventoryCoins(db));
    emit();
  }

  await dispenser.open().catch((e: unknown) => log.error({ err: e }, 'hopper not reachable at start-up; retrying in the background'));
  await refreshHealth();
  await recoverAtStartup({ db, clock, log, dispenser, runner, onWrite });
  const healthTimer = setInterval(() => void refreshHealth(), HEALTH_POLL_MS);
  healthTimer.unref();
  // issue 4: heartbeat (health, inventory, version, outbox depth), outbox retention, local expiry.
  const scheduler = startKioskScheduler({
    db, clock, log, onWrite,
    config: config.schedule,
    heartbeat: () => ({ coins_available: Math.max(0, inventoryCoins(db)), hopper_ok: hopper.ok, version: KIOSK_VERSION }),
  });
  // Between polls the dispenser pushes changes (unplugged, reconnected, faults, level): shown at once.
  // When it comes back, jobs left unfinished while it was away are queued again (startup-recovery.ts).
  const unwatchHealth = deps.dispenser.watchHealth?.((h) => {
    if (abort.signal.aborted) return;
    const reconnected = h.connected && !hopper.connected;
    hopper = toHopperHealth(h, inventoryCoins(db));
    emit();
    if (reconnected && resumeUnfinishedJobs(db, runner) > 0) onWrite();
  });

  let receiver: JobReceiver | null = null;
  function startReceiver(e: Enrollment): void {
    enrollment = e;
    emit();
    if (abort.signal.aborted || receiver) return;
    receiver = startJobReceiver({
      db, clock, log, client, timers, onWrite, cloudClock: cloudTime,
      enrollment: () => enrollment,
      onJob: (job) => void runner.enqueue(job.id),
      onOnline: setOnline,
    });
    onWrite();
  }
  const enrolling = ensureEnrolled({ db, log, client, code: config.enrollmentCode, name: config.kioskName, abort: abort.signal, timers }).then((e) => {
    if (e) startReceiver(e);
    else emit();
  });

  const api = createKioskApi({
    log,
    handlers: {
      getState: () => ok(state()),
      startCashOut: ({ amount_cents }) =>
        admin.isOpen() ? err('admin_open', 'the technician screen is open; the kiosk is back in a moment') : flow.startCashOut(amount_cents),
      cancel: () => flow.cancel(),
      dismiss: () => flow.dismiss(),
      ...admin.handlers,
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state());
      return () => listeners.delete(listener);
    },
  });

  const app = {
    api,
    async stop() {
      abort.abort();
      admin.stop();
      clearInterval(healthTimer);
      await scheduler.stop();
      unwatchHealth?.();
      await enrolling;
      await (receiver as JobReceiver | null)?.stop();
      flow.stop();
      await runner.idle();
      pusher.stop();
      await dispenser.close().catch((e: unknown) => log.warn({ err: e }, 'dispenser close failed'));
      if (!deps.db) db.close();
    },
  };
  return app;
}
