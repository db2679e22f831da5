import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createScratchDatabase } from '../../cloud-api/src/testing/test-db';
import { enrollmentCode, freePort, spawnKiosk, stopChild, waitForKioskUrl } from '../../scripts/system';
import { loadOrCreateDemoSecrets } from '../../scripts/demo-secrets';
import { startBridge } from '../../sim/worldid/bridge';
import { SIM_APP_ID, SIM_RP_ID, startFakePortal } from '../../sim/worldid/portal';
import { SIM_PORTAL_API_KEY, type FakePayments } from '../../sim/worldid/portal-payments';
import { startHopperOnPty, type HopperOnPty } from '../../sim/hopper/pty';
import { startTestProxy, type TestProxy } from '../support/proxy/proxy';

/**
 * The real stack for chaos runs, with every process the runner may kill as its own process:
 * the cloud API (`cloud-api/src/server.ts`, on Postgres when DATABASE_URL is set, else PGlite)
 * on a fixed port so it can be restarted under the same address; the kiosk core
 * (`main/kiosk-entry.ts`, the entry a Pi runs); in this process the hopper simulator on a socat
 * pty, the World ID bridge and Developer Portal simulators, and the test proxy on the kiosk's way
 * to the cloud (its hooks: the named kill moments; its fault plan: network faults).
 */
export interface ChaosStackOptions {
  dataDir: string;
  /** Admin Postgres url: the cloud gets a scratch database next to it. Absent: PGlite. */
  databaseUrl?: string;
  coinsLoaded: number;
  coinsPerSecond: number;
  log: (line: string) => void;
  /** The hopper's 167 reply form, for the simulator and the kiosk alike (default event_counter). */
  replyForm?: 'event_counter' | 'ack';
}

export interface ChaosStack {
  /** The cloud's own address (the runner's operator calls and the phone's payment go here). */
  cloudUrl: string;
  kioskUrl: string;
  bridgeUrl: string;
  portalUrl: string;
  /** The Developer Portal simulator's payments: a scenario keeps a World App payment pending, then confirms it. */
  payments: FakePayments;
  operatorToken: string;
  backend: 'postgres' | 'pglite';
  hopper: HopperOnPty;
  /** Coins a swapped-out hopper paid for its open payout, by its serial: what a technician counts by hand. */
  handCounts: Map<number, number>;
  /** Between the kiosk and the cloud: `net.hooks` for kill moments, `net.setFaults` for network faults. */
  net: TestProxy;
  kioskDbPath: string;
  kioskPid(): number | undefined;
  /** SIGKILL, now, synchronously (for use inside a tap or hook); the supervisor starts it again. */
  killKioskNow(): void;
  /** Resolves with the kiosk's URL once a kiosk process is up (after a kill: the restarted one). */
  kioskUp(): Promise<string>;
  /** How many times the supervisor started the kiosk again after it died. */
  readonly kioskRestarts: number;
  killCloudNow(): void;
  restartCloud(): Promise<void>;
  stop(): Promise<void>;
}

const ACTION = 'roluatm-cash-out';
const RECIPIENT = '0x00000000000000000000000000000000000c4a05';

export async function startChaosStack(o: ChaosStackOptions): Promise<ChaosStack> {
  const secrets = loadOrCreateDemoSecrets(join(o.dataDir, 'secrets.json'));
  const scratch = o.databaseUrl ? await createScratchDatabase(o.databaseUrl, 'chaos') : null;
  const bridge = await startBridge({});
  const portal = await startFakePortal({ appId: SIM_APP_ID });
  const cloudPort = await freePort();
  const cloudUrl = `http://127.0.0.1:${cloudPort}`;
  const cloudEnv: Record<string, string> = {
    PORT: String(cloudPort),
    HOST: '127.0.0.1',
    ...(scratch ? { DATABASE_URL: scratch.url } : { DATA_DIR: join(o.dataDir, 'cloud') }),
    LOG_LEVEL: 'warn',
    OPERATOR_TOKEN: secrets.operator_token,
    WORLD_ID_APP_ID: SIM_APP_ID,
    WORLD_ID_RP_ID: SIM_RP_ID,
    WORLD_ID_SIGNING_KEY: secrets.world_id_signing_key,
    WORLD_ID_ACTION: ACTION,
    DEV_PORTAL_BASE_URL: portal.url,
    WORLD_ID_ALLOW_STAGING: '1',
    PAYMENT_MODE: 'world_app',
    DEV_PORTAL_API_KEY: SIM_PORTAL_API_KEY,
    PAYMENT_RECIPIENT: RECIPIENT,
    JOB_SIGNING_KEY: secrets.job_signing_key,
    // Chaos settles in seconds, not minutes: short leases and expiry, checked often.
    JOB_LEASE_SEC: '3',
    TRANSACTION_TTL_SEC: '25',
    CRON_EXPIRE_TRANSACTIONS: '*/2 * * * * *',
    CRON_RETURN_LEASES: '* * * * * *',
    PER_HUMAN_DAILY_COUNT: '1000',
    PER_HUMAN_DAILY_CENTS: '10000000',
    RATE_LIMIT_IP_PER_MIN: '0',
    RATE_LIMIT_KIOSK_PER_MIN: '0',
  };
  let cloud = await launchCloud(cloudEnv, cloudUrl);
  const net = await startTestProxy({ target: cloudUrl });
  const replyForm = o.replyForm ?? 'event_counter';
  const hopper = await startHopperOnPty({ coins: o.coinsLoaded, coinsPerSecond: o.coinsPerSecond, replyForm });
  const kioskEnv: Record<string, string> = {
    CLOUD_URL: net.url,
    KIOSK_DATA_DIR: join(o.dataDir, 'kiosk'),
    ENROLLMENT_CODE: await enrollmentCode(cloudUrl, secrets.operator_token),
    KIOSK_NAME: 'chaos-kiosk',
    HOPPER_PORT: hopper.devicePath,
    HOPPER_REPLY_FORM: replyForm,
    WORLD_ID_BRIDGE_URL: bridge.url,
    WORLD_ID_ENVIRONMENT: 'staging',
    WORLD_ID_ALLOW_STAGING: '1',
    INVENTORY_SEED_COINS: String(o.coinsLoaded),
    UI_PORT: String(await freePort()),
    UI_TOKEN: randomBytes(32).toString('base64url'),
    ADMIN_PIN: '2468',
    // late_payment's next customer stays on the QR until the re-checker confirms the first one's payment
    // (its backoff: 15 s, or 31 s after the payment was submitted), so the QR outlasts both.
    QR_TIMEOUT_SEC: '45',
    PAYMENT_TIMEOUT_SEC: '30',
    // Issue 15: "confirming your payment" gives up after 6 s here (600 on a Pi), so late_payment ends its session in seconds.
    PAYMENT_CONFIRM_TIMEOUT_SEC: '6',
    IDLE_TIMEOUT_SEC: '5',
    LOG_LEVEL: process.env.CHAOS_KIOSK_LOG_LEVEL ?? 'warn',
  };
  // Like systemd's Restart=always on the Pi: a kiosk that dies is started again on the same data.
  let kiosk!: ChildProcess;
  let up!: Promise<string>;
  let supervising = true;
  let restarts = 0;
  const launch = (): Promise<string> => {
    const child = spawnKiosk(kioskEnv);
    kiosk = child;
    up = waitForKioskUrl(child, o.log);
    up.catch(() => undefined); // a kiosk killed while starting: the exit handler below starts another
    child.once('exit', () => {
      setTimeout(() => {
        if (!supervising || kiosk !== child) return;
        restarts += 1;
        void launch();
      }, 300);
    });
    return up;
  };
  let kioskUrl = await launch();
  // If the runner itself dies (Ctrl-C, an error), its kiosk and cloud must not live on as orphans.
  const killChildren = () => {
    supervising = false;
    kiosk.kill('SIGKILL');
    cloud.kill('SIGKILL');
  };
  process.once('exit', killChildren);

  return {
    cloudUrl,
    get kioskUrl() {
      return kioskUrl;
    },
    bridgeUrl: bridge.url,
    portalUrl: portal.url,
    payments: portal.payments,
    operatorToken: secrets.operator_token,
    backend: scratch ? 'postgres' : 'pglite',
    hopper,
    handCounts: new Map(),
    net,
    kioskDbPath: join(o.dataDir, 'kiosk', 'kiosk.sqlite'),
    kioskPid: () => kiosk.pid,
    killKioskNow: () => void kiosk.kill('SIGKILL'),
    async kioskUp() {
      for (let i = 0; i < 100; i++) {
        const current = kiosk;
        const url = await up.catch(() => null);
        if (url && current === kiosk && current.exitCode === null && current.signalCode === null) return (kioskUrl = url);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the kiosk did not stay up after restarts');
    },
    get kioskRestarts() {
      return restarts;
    },
    killCloudNow: () => void cloud.kill('SIGKILL'),
    async restartCloud() {
      await stopChild(cloud, 'SIGKILL');
      cloud = await launchCloud(cloudEnv, cloudUrl);
    },
    async stop() {
      net.hooks = {};
      hopper.sim.taps.frame = undefined;
      hopper.sim.taps.handled = undefined;
      hopper.sim.taps.coin = undefined;
      supervising = false;
      process.off('exit', killChildren);
      await stopChild(kiosk, 'SIGTERM');
      await stopChild(cloud, 'SIGTERM');
      await net.close();
      await hopper.stop();
      await Promise.all([bridge.close(), portal.close()]);
      await scratch?.drop();
    },
  };
}

/** The cloud as `npm run cloud` runs it, in its own process; resolves when /healthz answers 200. */
async function launchCloud(env: Record<string, string>, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cloud-api/src/server.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', process.env.ROLUATM_VERBOSE ? 'inherit' : 'ignore'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the cloud API exited with code ${child.exitCode} while starting`);
    const up = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the cloud API did not answer /healthz within 60 s');
}
