import type { Logger } from 'pino';
import type { Clock } from '../contract/clock';
import { canPaySmallest, freeCoins as coinsFree } from '../contract/amount-rules';
import type { KioskApi, KioskState } from '../contract/kiosk-api';
import { err, ok } from '../contract/result';
import { seedAdminPin } from './admin/admin-auth';
import { createAdminService } from './admin/admin-service';
import { ADMIN_RESTART_EXIT_CODE } from './admin/admin-system';
import { createKioskApi } from './api/kiosk-api-impl';
import { createStateFeed } from './api/state-feed';
import type { KioskConfig } from './config';
import { inventoryCoins, seedInventoryIfEmpty } from './db/inventory';
import { openKioskDb, type KioskDb } from './db/open-db';
import { reservedCoins } from './db/transactions';
import type { Dispenser } from './hardware/dispenser';
import { withHopperLock } from './hardware/hopper-lock';
import { PayoutJournal } from './hardware/payout-journal';
import { createAmountPolicyHolder } from './kiosk/amount-policy';
import { CashOutFlow, RESTING_SCREENS } from './kiosk/cash-out-flow';
import { createHopperWatch } from './kiosk/hopper-watch';
import { outOfService } from './kiosk/kiosk-status';
import { createPayoutRunner } from './kiosk/payout-runner';
import { createRemoteConfigHolder, type RemoteConfigHolder } from './kiosk/remote-config';
import { recoverAtStartup, resumeUnfinishedJobs } from './kiosk/startup-recovery';
import type { StartWorldIdRequest } from './kiosk/world-id-port';
import { realTimers, type Timers } from './sync/backoff';
import { createCloudLink } from './sync/cloud-link';
import { startKioskScheduler } from './sync/kiosk-scheduler';
import { recentLog } from './log';

export const KIOSK_VERSION = '0.1.0';

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
 * Wires the kiosk core (ARCHITECTURE.md "Processes"; main/README.md): SQLite, the cloud link
 * (enrolment, outbox pusher, job receiver), the payout runner, the hopper watch, the customer flow,
 * the admin service, and the KioskApi the renderer calls. Each part reacts to the others itself; this
 * file only connects them. `stop()` never interrupts a payout: it waits for the one in progress to finish.
 */
export async function startKioskApp(config: KioskConfig, deps: KioskAppDeps): Promise<{ api: KioskApi; stop(): Promise<void> }> {
  const { clock, log } = deps;
  // One lock for the runner and the admin screen: never two hopper commands at once (hardware/hopper-lock.ts).
  const dispenser = withHopperLock(deps.dispenser);
  const timers = deps.timers ?? realTimers;
  const db = deps.db ?? openKioskDb(config.dbPath);
  const startWorldId = deps.startWorldIdRequest ?? (await import('./worldid/request')).startWorldIdRequest;
  if (config.inventorySeedCoins !== null) seedInventoryIfEmpty(db, clock, config.inventorySeedCoins);
  await seedAdminPin(db, clock, config.adminPin);

  const feed = createStateFeed(() => state());
  // Every state change is also a chance to apply the operator's waiting remote config (issue 17: only when idle).
  const remoteRef: { holder?: RemoteConfigHolder } = {};
  const emit = () => {
    remoteRef.holder?.tryApply();
    feed.publish();
  };
  // The cloud's limits and fee, delivered at enrolment and with every sync answer (kiosk/amount-policy.ts).
  const amountPolicy = createAmountPolicyHolder({ db, log, fallback: config.fallbackPolicy, presetsCents: config.presetsCents });
  const link = createCloudLink({
    db, clock, log, timers, config, onChange: emit,
    onAmountPolicy: (p) => {
      if (amountPolicy.update(p)) emit();
    },
    onRemoteConfig: (cfg) => remoteRef.holder?.receive(cfg),
  });
  const onWrite = () => void link.pusher.kick();
  let stopping = false;
  /** Queues jobs left unfinished again (the runner decides what may be paid); nothing once stopping. */
  const resumeJobs = () => {
    if (!stopping) resumeUnfinishedJobs(db, runner, onWrite);
  };
  const freeCoins = () => coinsFree(inventoryCoins(db), reservedCoins(db));
  const journal = new PayoutJournal(db, clock);
  const runner = createPayoutRunner({
    db, clock, log, dispenser, journal, onWrite, cloudClock: link.cloudTime,
    cloudTimeKnown: () => link.cloudTime.known,
    // issue 13: a retry pays only while the job's customer can still be at the screen
    customerPresent: (job) => flow.customerPresent(job.transaction_id),
  });
  // Subscribed to the runner before the flow: a short payout's fault is on the hopper before the end screen shows.
  const hopper = createHopperWatch({
    dispenser, runner, log, coinsCounted: () => inventoryCoins(db), onChange: emit,
    // Jobs left unfinished while the hopper was away are queued again (startup-recovery.ts).
    onReconnected: resumeJobs,
  });
  const flow = new CashOutFlow({
    db, clock, log, client: link.client, runner, timers, onWrite, freeCoins, config, onChange: emit,
    amountPolicy: () => amountPolicy.current(),
    startWorldIdRequest: startWorldId,
    outOfService: () => state().out_of_service,
  });
  const admin = createAdminService({
    db, clock, log, timers, config, version: KIOSK_VERSION, dispenser, runner, pusher: link.pusher, client: link.client,
    customerActive: () => !RESTING_SCREENS.has(flow.state.screen),
    journal,
    network: link.network,
    enrollment: link.enrollment,
    onEnrolled: link.enrolled,
    // after a reset or a settle by hand, jobs waiting for the hopper are queued again (the runner decides)
    onHopperChanged: () => void hopper.refresh().then(resumeJobs),
    onChange: emit,
    requestRestart: deps.requestRestart ?? (() => void app.stop().finally(() => process.exit(ADMIN_RESTART_EXIT_CODE))),
    recentLog: () => recentLog.recent(),
  });

  const remote = (remoteRef.holder = createRemoteConfigHolder({
    db, clock, log, onWrite,
    idle: () => RESTING_SCREENS.has(flow.state.screen) && !admin.isOpen(),
    onApplied: (cfg) => {
      amountPolicy.setOverrides(cfg.overrides);
      emit();
    },
  }));
  amountPolicy.setOverrides(remote.applied()?.overrides ?? null);

  function state(): KioskState {
    const { online } = link.network();
    const free = freeCoins();
    const canPay = canPaySmallest(amountPolicy.current(), free);
    return {
      flow: flow.state,
      online,
      // An operator's out-of-service (remote config, issue 17) shows as maintenance, like the technician's.
      out_of_service: admin.maintenance() || remote.applied()?.in_service === false ? 'maintenance' : outOfService({ enrolled: link.enrollment() !== null, online, hopper: hopper.current, canPaySmallest: canPay }),
      hopper: { ...hopper.current, coins_available: Math.max(0, inventoryCoins(db)) },
      free_coins: free,
      limits: amountPolicy.limits(),
      fee: amountPolicy.current().fee,
      payment_mode: amountPolicy.current().payment_mode ?? null,
      support_contact: amountPolicy.current().support_contact ?? null,
      day_time_zone: amountPolicy.current().day_time_zone ?? null,
      version: KIOSK_VERSION,
      demo_phone_url: config.demoPhoneUrl,
      admin_open: admin.isOpen(),
    };
  }

  await hopper.open();
  await recoverAtStartup({ db, clock, log, dispenser, runner, onWrite });
  hopper.follow();
  // issue 13: jobs that waited for the cloud's time (a stale clock at boot) are queued once it is known
  link.cloudTime.onKnown(resumeJobs);
  // issue 4: heartbeat (health, inventory, version, outbox depth), outbox retention, local expiry.
  const scheduler = startKioskScheduler({
    db, clock, log, onWrite,
    config: config.schedule,
    rotateToken: () => link.rotateToken(),
    heartbeat: () => ({ coins_available: Math.max(0, inventoryCoins(db)), hopper_ok: hopper.current.ok, version: KIOSK_VERSION }),
  });
  link.start(flow);

  const api = createKioskApi({
    log,
    handlers: {
      getState: () => ok(state()),
      startCashOut: ({ amount_cents }) =>
        admin.isOpen() ? err('admin_open', 'the technician screen is open; the kiosk is back in a moment') : flow.startCashOut(amount_cents),
      startCollect: () =>
        admin.isOpen() ? err('admin_open', 'the technician screen is open; the kiosk is back in a moment') : flow.startCollect(),
      cancel: () => flow.cancel(),
      extendSession: () => flow.extendSession(),
      dismiss: () => flow.dismiss(),
      ...admin.handlers,
    },
    subscribe: feed.subscribe,
  });

  const app = {
    api,
    async stop() {
      stopping = true;
      admin.stop();
      hopper.stop();
      await scheduler.stop();
      await link.stopJobs();
      flow.stop();
      runner.stop();
      await runner.idle();
      link.stopPush();
      await dispenser.close().catch((e: unknown) => log.warn({ err: e }, 'dispenser close failed'));
      if (!deps.db) db.close();
    },
  };
  return app;
}
