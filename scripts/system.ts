import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { z } from 'zod';
import { EnrollmentCodeResponseSchema } from '../contract/http';
import { parseCloudConfig } from '../cloud-api/src/config';
import { startCloud } from '../cloud-api/src/start-cloud';
import { createCloudLogger } from '../cloud-api/src/log';
import { startBridge } from '../sim/worldid/bridge';
import { SIM_APP_ID, SIM_RP_ID, startFakePortal } from '../sim/worldid/portal';
import { SIM_PORTAL_API_KEY } from '../sim/worldid/portal-payments';
import { startPhonePage } from '../sim/worldid/phone-page';
import { startHopperOnPty } from '../sim/hopper/pty';
import type { HopperSimulatorOptions } from '../sim/hopper/simulator';
import { loadOrCreateDemoSecrets } from './demo-secrets';
import { ensureDemoOperator, type DemoOperator } from './demo-operator';
import { loadDemoPorts, portOf, preferredPort, saveDemoPorts } from './demo-ports';

/**
 * The whole system on one machine (ARCHITECTURE.md `npm start`): cloud API, World ID simulators,
 * a simulated hopper on a pty, and the kiosk core as its own process (the same entry a Pi runs).
 * Used by `npm start` and by the end-to-end tests, so both walk the same real parts.
 */
export interface SystemOptions {
  dataDir: string;
  databaseUrl?: string;
  hopper?: Partial<HopperSimulatorOptions>;
  /** Coins the technician "loaded" into the simulated hopper and the kiosk's inventory. */
  coinsLoaded?: number;
  log?: (line: string) => void;
  kioskEnv?: Record<string, string>;
  /** 'none' (operator-funded, default) or 'world_app' (the simulated phone pays after verifying). */
  paymentMode?: 'none' | 'world_app';
  /** Extra cloud env (e.g. PER_HUMAN_DAILY_COUNT) over the defaults below. */
  cloudEnv?: Record<string, string>;
  /** The URL the kiosk uses for the cloud (e.g. through a test proxy that can be cut); default the cloud's own. */
  kioskCloudUrl?: (cloudUrl: string) => string | Promise<string>;
}

export interface RunningSystem {
  cloudUrl: string;
  kioskUrl: string;
  phoneUrl: string;
  operatorToken: string;
  /** The console's demo admin account (scripts/demo-operator.ts) and the console URL. */
  consoleOperator: DemoOperator;
  consoleUrl: string;
  hopper: Awaited<ReturnType<typeof startHopperOnPty>>;
  kiosk: ChildProcess;
  /** The env the kiosk core runs with (npm start's Electron path starts the shell with it). */
  readonly kioskEnv: Readonly<Record<string, string>>;
  /** Stops the kiosk process (SIGTERM, then SIGKILL after 10 s) and starts it again on the same data. */
  restartKiosk(signal?: NodeJS.Signals): Promise<string>;
  /** Stops the kiosk process for good (no restart): npm start's Electron path runs the core itself. */
  stopKiosk(): Promise<void>;
  /**
   * Another kiosk on the same cloud (issue 15: collect owed coins at a second RoluATM): its own enrolment,
   * hopper simulator, data folder and UI port. Stopped by stop() too.
   */
  addKiosk(o: ExtraKioskOptions): Promise<ExtraKiosk>;
  stop(): Promise<void>;
}

export interface ExtraKioskOptions {
  name: string;
  coinsLoaded?: number;
  hopper?: Partial<HopperSimulatorOptions>;
  kioskEnv?: Record<string, string>;
}

export interface ExtraKiosk {
  kioskUrl: string;
  hopper: Awaited<ReturnType<typeof startHopperOnPty>>;
  stop(): Promise<void>;
}

const APP_ID = SIM_APP_ID;
const RP_ID = SIM_RP_ID;
const ACTION = 'roluatm-cash-out';
/** The demo's payment recipient (a made-up address; the fake portal checks only that it matches). */
const DEMO_RECIPIENT = '0x00000000000000000000000000000000000a7e1d';
/** The demo kiosk's technician PIN (hashed on its first start; the admin screen can change it later). */
export const DEMO_ADMIN_PIN = '2468';

export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const say = opts.log ?? (() => {});
  const secrets = loadOrCreateDemoSecrets(join(opts.dataDir, 'demo-secrets.json'));
  // Same ports as the last start in this data folder, so the printed URLs stay the same (demo-ports.ts).
  const portsFile = join(opts.dataDir, 'demo-ports.json');
  const saved = loadDemoPorts(portsFile);
  const bridge = await startBridge({ port: await preferredPort(saved, 'bridge', say) });
  const portal = await startFakePortal({ appId: APP_ID, port: await preferredPort(saved, 'portal', say) });
  const cloudConfig = parseCloudConfig({
    PORT: String(await preferredPort(saved, 'cloud', say)),
    DATABASE_URL: opts.databaseUrl,
    DATA_DIR: join(opts.dataDir, 'cloud'),
    OPERATOR_TOKEN: secrets.operator_token,
    WORLD_ID_APP_ID: APP_ID,
    WORLD_ID_RP_ID: RP_ID,
    WORLD_ID_SIGNING_KEY: secrets.world_id_signing_key,
    WORLD_ID_ACTION: ACTION,
    DEV_PORTAL_BASE_URL: portal.url,
    // The simulators need a staging app (idkit-core takes a local bridge only for staging apps).
    WORLD_ID_ALLOW_STAGING: '1',
    PAYMENT_MODE: opts.paymentMode ?? 'none',
    // world_app: the simulated phone pays at the fake portal, whose key and recipient these are.
    ...(opts.paymentMode === 'world_app' ? { DEV_PORTAL_API_KEY: SIM_PORTAL_API_KEY, PAYMENT_RECIPIENT: DEMO_RECIPIENT } : {}),
    JOB_SIGNING_KEY: secrets.job_signing_key,
    ...opts.cloudEnv,
  });
  const cloud = await startCloud(cloudConfig, { log: createCloudLogger(process.env.ROLUATM_VERBOSE ? 'info' : 'warn') });
  say(`cloud API ${cloud.url}`);
  const consoleOperator = await ensureDemoOperator(cloud.db, join(opts.dataDir, 'demo-operator.json'), new Date());
  const phone = await startPhonePage({ port: await preferredPort(saved, 'phone', say), pay: { cloudUrl: cloud.url, portalUrl: portal.url } });
  const coins = opts.coinsLoaded ?? 400;
  const hopper = await startHopperOnPty({ coins, ...opts.hopper });
  say(`hopper simulator on ${hopper.devicePath}`);

  const code = await enrollmentCode(cloud.url, secrets.operator_token);
  const uiPort = (await preferredPort(saved, 'kiosk_ui', say)) || (await freePort());
  saveDemoPorts(portsFile, { cloud: portOf(cloud.url), bridge: portOf(bridge.url), portal: portOf(portal.url), phone: portOf(phone.url), kiosk_ui: uiPort });
  const kioskEnv: Record<string, string> = {
    CLOUD_URL: opts.kioskCloudUrl ? await opts.kioskCloudUrl(cloud.url) : cloud.url,
    KIOSK_DATA_DIR: join(opts.dataDir, 'kiosk'),
    ENROLLMENT_CODE: code,
    KIOSK_NAME: 'demo-kiosk',
    HOPPER_PORT: hopper.devicePath,
    WORLD_ID_BRIDGE_URL: bridge.url,
    WORLD_ID_ENVIRONMENT: 'staging',
    WORLD_ID_ALLOW_STAGING: '1',
    INVENTORY_SEED_COINS: String(coins),
    DEMO_PHONE_URL: phone.url,
    // Kept in the data folder, so a restarted kiosk (or demo) serves the same URL and an open screen reconnects.
    UI_PORT: String(uiPort),
    UI_TOKEN: secrets.ui_token,
    ADMIN_PIN: DEMO_ADMIN_PIN,
    ...opts.kioskEnv,
  };
  let kiosk!: ChildProcess;
  let kioskUrl = '';
  let supervising = true;
  // Like systemd's Restart=always on a Pi: a kiosk that exits by itself (a crash, or the admin
  // screen's restart with exit code 75) is started again on the same data, port and token.
  const launch = async (): Promise<string> => {
    const child = spawnKiosk(kioskEnv);
    kiosk = child;
    kioskUrl = await waitForKioskUrl(child, say);
    child.once('exit', (code, signal) => {
      if (!supervising || kiosk !== child) return;
      say(`kiosk exited (${signal ?? code}); starting it again`);
      setTimeout(() => {
        // Checked again: restartKiosk()/stop() may have taken over during the pause.
        if (!supervising || kiosk !== child) return;
        void launch().catch((e: unknown) => say(`kiosk restart failed: ${String(e)}`));
      }, 500);
    });
    return kioskUrl;
  };
  await launch();

  const extraKiosks: ExtraKiosk[] = [];
  const system: RunningSystem = {
    cloudUrl: cloud.url,
    get kioskUrl() {
      return kioskUrl;
    },
    phoneUrl: phone.url,
    kioskEnv,
    operatorToken: secrets.operator_token,
    consoleOperator,
    consoleUrl: `${cloud.url}/console/`,
    hopper,
    get kiosk() {
      return kiosk;
    },
    async restartKiosk(signal: NodeJS.Signals = 'SIGTERM') {
      supervising = false;
      await stopChild(kiosk, signal);
      supervising = true;
      return launch();
    },
    async stopKiosk() {
      supervising = false;
      await stopChild(kiosk, 'SIGTERM');
    },
    async addKiosk(o) {
      const extraCoins = o.coinsLoaded ?? 400;
      const extraHopper = await startHopperOnPty({ coins: extraCoins, ...o.hopper });
      const env: Record<string, string> = {
        ...kioskEnv,
        KIOSK_DATA_DIR: join(opts.dataDir, `kiosk-${o.name}`),
        ENROLLMENT_CODE: await enrollmentCode(cloud.url, secrets.operator_token),
        KIOSK_NAME: o.name,
        HOPPER_PORT: extraHopper.devicePath,
        INVENTORY_SEED_COINS: String(extraCoins),
        UI_PORT: String(await freePort()),
        ...o.kioskEnv,
      };
      const child = spawnKiosk(env);
      const extra: ExtraKiosk = {
        kioskUrl: await waitForKioskUrl(child, say),
        hopper: extraHopper,
        async stop() {
          await stopChild(child, 'SIGTERM');
          await extraHopper.stop();
        },
      };
      extraKiosks.push(extra);
      return extra;
    },
    async stop() {
      supervising = false;
      for (const extra of extraKiosks.splice(0)) await extra.stop();
      await stopChild(kiosk, 'SIGTERM');
      await hopper.stop();
      await cloud.close();
      await Promise.all([bridge.close(), portal.close(), phone.close()]);
    },
  };
  return system;
}

/** A fresh enrolment code from the cloud's operator API (also used by the admin e2e tests). */
export async function enrollmentCode(cloudUrl: string, operatorToken: string): Promise<string> {
  const res = await fetch(`${cloudUrl}/v1/fleet/enrollment-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 201) throw new Error(`enrolment code refused: HTTP ${res.status} ${await res.text()}`);
  return EnrollmentCodeResponseSchema.parse(await res.json()).code;
}

/**
 * One node process with tsx as its loader (not the `tsx` wrapper, which runs the kiosk in a second
 * process): a signal sent to the child — SIGKILL in the crash tests included — reaches the kiosk itself.
 */
export function spawnKiosk(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'main/kiosk-entry.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const KioskUrlLine = z.string().regex(/^KIOSK_URL=(\S+)$/);

export function waitForKioskUrl(child: ChildProcess, say: (line: string) => void): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('the kiosk did not print KIOSK_URL within 60 s')), 60_000);
    // The last lines the kiosk wrote, so a start-up failure says why (pino lines on stdout, crashes on stderr).
    const tail: string[] = [];
    const keep = (line: string) => tail.push(line.slice(0, 500)) > 8 && tail.shift();
    child.stderr?.on('data', (chunk: Buffer) => {
      if (process.env.ROLUATM_VERBOSE) process.stderr.write(chunk);
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) keep(line);
    });
    child.once('exit', (code) => reject(new Error(`the kiosk process exited early with code ${code}:\n${tail.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const parsed = KioskUrlLine.safeParse(line.trim());
      if (!parsed.success) return;
      clearTimeout(timer);
      const url = line.trim().slice('KIOSK_URL='.length);
      say(`kiosk ${url}`);
      resolvePromise(url);
    });
  });
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill(signal);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
