import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrollmentCodeResponseSchema } from '../../../contract/http';
import { parseCloudConfig } from '../../../cloud-api/src/config';
import { createCloudLogger } from '../../../cloud-api/src/log';
import { startCloud } from '../../../cloud-api/src/start-cloud';
import { OPERATOR_TOKEN, testEnv } from '../../../cloud-api/src/testing/harness';
import { createScratchDatabase, pgliteDataDirCopy } from '../../../cloud-api/src/testing/test-db';
import { signingPublicKeyHex } from '../../../cloud-api/src/worldid/rp-context';
import { startHopperOnPty } from '../../../sim/hopper/pty';
import { startBridge } from '../../../sim/worldid/bridge';
import { approve } from '../../../sim/worldid/phone';
import { SIM_RP_ID, startFakePortal } from '../../../sim/worldid/portal';
import { RequestSchema, ServicesOptionsSchema, type Ready, type Request, type Totals } from './protocol';

/**
 * The soak's other side, in its own process so the kiosk core's RSS is its own (test/bench/soak/run-soak.ts
 * forks this file with tsx): the real cloud API (scratch Postgres database when a Postgres url is
 * given, else PGlite), the World ID bridge, portal and phone simulators, and the hopper simulator on
 * a socat pty. Options come as JSON in argv[2]; requests and replies travel over the IPC channel.
 * Rate limits are off and every cash-out uses a new identity, so the per-human limits never refuse one.
 */
const options = ServicesOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const send = (m: unknown) => process.send?.(m);

const scratch = options.databaseUrl ? await createScratchDatabase(options.databaseUrl, 'soak') : undefined;
const pgliteDir = scratch ? undefined : await pgliteDataDirCopy();
const portal = await startFakePortal();
const bridge = await startBridge();
const env = testEnv({
  DEV_PORTAL_BASE_URL: portal.url,
  DATA_DIR: pgliteDir ?? mkdtempSync(join(tmpdir(), 'soak-cloud-')),
  RATE_LIMIT_IP_PER_MIN: '0',
  RATE_LIMIT_KIOSK_PER_MIN: '0',
  ...(scratch ? { DATABASE_URL: scratch.url } : {}),
});
const cloud = await startCloud(parseCloudConfig(env), { log: createCloudLogger('warn') });
const hopper = await startHopperOnPty({ coins: options.coins, coinsPerSecond: options.coinsPerSecond });
// The phone checks the RP signature of every request against the cloud's signing key, as World App does.
const rpPublicKeys = { [SIM_RP_ID]: signingPublicKeyHex(env.WORLD_ID_SIGNING_KEY!) };

const res = await fetch(`${cloud.url}/v1/fleet/enrollment-codes`, {
  method: 'POST',
  headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
  body: '{}',
});
if (res.status !== 201) throw new Error(`enrolment code refused: HTTP ${res.status}`);
const { code } = EnrollmentCodeResponseSchema.parse(await res.json());

async function totals(): Promise<Totals> {
  const tx = await cloud.db.query<{ n: number; completed: number; paid: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'completed')::int AS completed,
            COALESCE(sum(coins_paid), 0)::int AS paid FROM transactions`,
  );
  const jobs = await cloud.db.query<{ n: number; paid: number }>('SELECT count(*)::int AS n, COALESCE(sum(coins_paid), 0)::int AS paid FROM dispense_jobs');
  return {
    hopperCoinsOut: hopper.sim.coinsOut,
    hopperDispenseCommands: hopper.sim.dispenseCommands,
    cloudTransactions: tx.rows[0]!.n,
    cloudCompleted: tx.rows[0]!.completed,
    cloudCoinsPaid: tx.rows[0]!.paid,
    cloudJobs: jobs.rows[0]!.n,
    cloudJobCoinsPaid: jobs.rows[0]!.paid,
  };
}

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  return (stopping ??= (async () => {
    await hopper.stop();
    await cloud.close();
    await Promise.all([bridge.close(), portal.close()]);
    await scratch?.drop();
    rmSync(env.DATA_DIR!, { recursive: true, force: true });
  })());
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'approve':
      return approve(req.uri, { identity: req.identity, rpPublicKeys });
    case 'totals':
      return totals();
    case 'stop':
      await stop();
      return {};
  }
}

process.on('message', (raw) => {
  const parsed = RequestSchema.safeParse(raw);
  if (!parsed.success) return send({ type: 'reply', id: -1, ok: false, error: `bad request: ${parsed.error.message}` });
  const req = parsed.data;
  handle(req).then(
    (value) => {
      send({ type: 'reply', id: req.id, ok: true, value });
      if (req.op === 'stop') process.disconnect();
    },
    (e: unknown) => send({ type: 'reply', id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
// The driver went away (finished, failed or killed): clean up and leave.
process.on('disconnect', () => void stop().finally(() => process.exit(0)));

const ready: Ready = {
  type: 'ready',
  cloudUrl: cloud.url,
  bridgeUrl: bridge.url,
  hopperPath: hopper.devicePath,
  enrollmentCode: code,
  backend: scratch ? 'postgres' : 'pglite',
  pid: process.pid,
};
send(ready);
