import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { KioskStateSchema, WireServerMessageSchema, type KioskState } from '../../contract/kiosk-api';
import { startServices } from '../../test/bench/soak/services-client';

/**
 * One cash-out through the kiosk core running as an arm64 program in an arm64 Debian root
 * (build/pi-arm64/check.sh builds the root; issue 19 "As close to a Pi as this machine gets").
 *
 * Here (x64): the real cloud API, the World ID bridge/portal/phone simulators and the hopper
 * simulator on a socat pty (test/bench/soak/services.ts). In the root (arm64, under qemu-user via
 * binfmt): Node 24 for arm64 running the bundled kiosk core (main/kiosk-entry.ts, browser mode) with
 * its production dependencies built for arm64 (better-sqlite3, serialport). The driver talks to the
 * kiosk only as its screen does: the KioskApi WebSocket. Passes when the hopper paid exactly the coins
 * ordered and the kiosk and the cloud recorded the same.
 *
 * Usage (as root, with ROOT's /proc, /dev and /dev/pts mounted): tsx build/pi-arm64/cashout.ts ROOT
 */
const ROOT = process.argv[2];
const APP = '/opt/roluatm-check';
const AMOUNT_CENTS = 500;
const COINS = AMOUNT_CENTS / 25;
const STEP_TIMEOUT_MS = 10 * 60_000;

function say(msg: string): void {
  process.stderr.write(`pi-arm64 cash-out: ${msg}\n`);
}

async function main(): Promise<number> {
  if (!ROOT) throw new Error('usage: tsx build/pi-arm64/cashout.ts ROOT');
  say('starting the cloud, World ID simulators and hopper simulator here (x64)');
  const services = await startServices({ coins: 100, coinsPerSecond: 20 });
  const kiosk = spawn('chroot', [ROOT, '/opt/node/bin/node', `${APP}/kiosk-entry.mjs`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/root',
      CLOUD_URL: services.ready.cloudUrl,
      ENROLLMENT_CODE: services.ready.enrollmentCode,
      KIOSK_NAME: 'pi-arm64-check',
      KIOSK_DATA_DIR: '/var/lib/roluatm/check-data',
      // The simulator's link lives in this machine's /tmp; the root sees its /dev/pts (bind-mounted).
      HOPPER_PORT: realpathSync(services.ready.hopperPath),
      WORLD_ID_BRIDGE_URL: services.ready.bridgeUrl,
      WORLD_ID_ENVIRONMENT: 'staging',
      WORLD_ID_ALLOW_STAGING: '1',
      INVENTORY_SEED_COINS: '100',
      LOG_LEVEL: 'warn',
    },
  });
  const exited = new Promise<number | null>((resolve) => kiosk.once('exit', (code) => resolve(code)));
  try {
    say(`starting the arm64 kiosk core in ${ROOT} (qemu-user): chroot ${ROOT} /opt/node/bin/node ${APP}/kiosk-entry.mjs`);
    const kioskUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the arm64 kiosk printed no KIOSK_URL within 10 minutes')), STEP_TIMEOUT_MS);
      void exited.then((code) => reject(new Error(`the arm64 kiosk exited during start-up (${code})`)));
      createInterface({ input: kiosk.stdout! }).on('line', (line) => {
        if (line.startsWith('KIOSK_URL=')) {
          clearTimeout(timer);
          resolve(line.slice('KIOSK_URL='.length));
        }
      });
    });
    const page = new URL(kioskUrl);
    const ws = new WebSocket(`ws://${page.host}/kiosk-api?token=${page.searchParams.get('token') ?? ''}`, { origin: page.origin });
    let state: KioskState | null = null;
    const waiters: Array<() => void> = [];
    const results = new Map<number, (r: unknown) => void>();
    ws.on('message', (raw) => {
      const m = WireServerMessageSchema.parse(JSON.parse(String(raw)));
      if (m.type === 'state') {
        state = KioskStateSchema.parse(m.state);
        for (const w of waiters.splice(0)) w();
      } else results.get(m.id)?.(m.result);
    });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const call = (id: number, method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        results.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, params }));
      });
    const until = async (what: string, ok: (s: KioskState) => boolean): Promise<KioskState> => {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      while (!(state && ok(state))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(state)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 1000);
        });
      }
      return state;
    };
    await until('the kiosk to be in service', (s) => s.flow.screen === 'idle' && s.out_of_service === null);
    say(`kiosk in service (version ${state!.version}); cash-out of ${AMOUNT_CENTS} cents`);
    const started = (await call(1, 'startCashOut', { amount_cents: AMOUNT_CENTS })) as { ok: boolean };
    if (!started.ok) throw new Error(`startCashOut refused: ${JSON.stringify(started)}`);
    const scan = await until('the QR code', (s) => s.flow.screen === 'scan' || s.flow.screen === 'error');
    if (scan.flow.screen !== 'scan') throw new Error(`no QR: ${JSON.stringify(scan.flow)}`);
    say('QR shown; the simulated World App approves');
    await services.approve(scan.flow.connector_uri, `pi-arm64-${Date.now()}`);
    const end = await until('the payout to end', (s) => s.flow.screen === 'done' || s.flow.screen === 'error');
    if (end.flow.screen !== 'done') throw new Error(`the cash-out did not complete: ${JSON.stringify(end.flow)}`);
    let totals = await services.totals();
    for (let i = 0; i < 120 && totals.cloudCoinsPaid !== COINS; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      totals = await services.totals();
    }
    ws.close();
    const summary = { kioskCoinsPaid: end.flow.coins_paid, receipt: end.flow.receipt_code, ...totals };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    const ok = end.flow.coins_paid === COINS && totals.hopperCoinsOut === COINS && totals.cloudCoinsPaid === COINS;
    say(ok ? `PASS: ${COINS} coins out of the hopper = kiosk = cloud` : 'FAIL: the three counts differ');
    return ok ? 0 : 1;
  } finally {
    kiosk.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    await services.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`FAIL: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
