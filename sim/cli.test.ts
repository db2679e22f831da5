import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../contract/clock';
import { createCcTalkDispenser } from '../main/hardware/cctalk-dispenser';
import { silentLog, tmpJournal } from '../main/hardware/testing/dispenser-fixture';

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig)));
  return { child, exited };
}

describe('npm run sim', () => {
  it('starts the hopper simulator on a pty, passing the remaining args, and stops on SIGTERM', async () => {
    const { child, exited } = run(['hopper', '--coins', '7']);
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const { device } = JSON.parse(first) as { device: string };
    expect(existsSync(device)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(device)).toBe(false);
  });

  it('passes the hopper model options: an 8-byte-form, ACK-reply, CRC-16 hopper pays a dispenser configured the same way', async () => {
    const { child, exited } = run(['hopper', '--coins-per-second', '200', '--dispense-form', 'cipher8', '--reply-form', 'ack', '--checksum', 'crc16']);
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const { device } = JSON.parse(first) as { device: string };
    const j = tmpJournal();
    const dispenser = createCcTalkDispenser({
      path: device, journal: j.journal, clock: new ManualClock(), log: silentLog, statusPollMs: 20,
      dispenseForm: 'cipher8', replyForm: 'ack', checksum: 'crc16',
    });
    try {
      await dispenser.open();
      expect(await dispenser.payout({ jobId: 'job-cli-sim', coins: 3 })).toMatchObject({ coinsPaid: 3, outcome: 'completed' });
    } finally {
      await dispenser.close();
      j.dispose();
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('exits 2 with a usage line for an unknown simulator', async () => {
    const { child, exited } = run(['toaster']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exited).toBe(2);
    expect(stderr).toContain('usage: npm run sim -- <hopper|worldid|all>');
  });

  /** The `KEY=value` lines up to `# ready` (comments skipped). */
  async function envLines(child: ReturnType<typeof run>['child']): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === '# ready') return env;
      if (line.startsWith('#')) continue;
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    throw new Error('the simulators stopped before `# ready`');
  }

  it('`all` starts the World ID simulators and a hopper, prints env lines whose URLs answer, and writes them to --write-env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-all-'));
    const { child, exited } = run(['all', '--coins', '12', '--write-env', join(dir, 'sim.env')]);
    try {
      const env = await envLines(child);
      expect(Object.keys(env)).toEqual([
        'WORLD_ID_ALLOW_STAGING', 'PAYMENT_MODE', 'DEV_PORTAL_BASE_URL', 'WORLD_ID_APP_ID', 'WORLD_ID_RP_ID', 'WORLD_ID_ACTION', 'WORLD_ID_SIGNING_KEY', 'JOB_SIGNING_KEY', 'OPERATOR_TOKEN',
        'WORLD_ID_BRIDGE_URL', 'WORLD_ID_ENVIRONMENT', 'DEMO_PHONE_URL', 'HOPPER_PORT', 'INVENTORY_SEED_COINS',
      ]);
      // The bridge answers its wire protocol (an unknown id is a 404 with a JSON body).
      const bridge = await fetch(`${env.WORLD_ID_BRIDGE_URL}/response/0123456789abcdef0123`);
      expect([bridge.status, await bridge.json()]).toEqual([404, { error: 'request not found' }]);
      // The fake portal refuses an empty verify body as the real one does, for a known rp id.
      const portal = await fetch(`${env.DEV_PORTAL_BASE_URL}/api/v4/verify/${env.WORLD_ID_RP_ID}`, { method: 'POST', body: '{}' });
      expect(portal.status).toBe(400);
      const phone = await fetch(env.DEMO_PHONE_URL!);
      expect([phone.status, await phone.text()]).toEqual([200, expect.stringContaining('Simulated World App')]);
      expect(existsSync(env.HOPPER_PORT!)).toBe(true);
      expect(env.INVENTORY_SEED_COINS).toBe('12');
      expect(readFileSync(join(dir, 'sim.env'), 'utf8')).toContain(`HOPPER_PORT=${env.HOPPER_PORT}\n`);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(env.HOPPER_PORT!)).toBe(false);

      // Started again on the same file: new URLs, the same cloud secrets (an enrolled kiosk keeps working).
      const again = run(['worldid', '--write-env', join(dir, 'sim.env')]);
      const env2 = await envLines(again.child);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
      for (const k of ['OPERATOR_TOKEN', 'JOB_SIGNING_KEY', 'WORLD_ID_SIGNING_KEY']) expect(env2[k]).toBe(env[k]);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`worldid` prints the env lines a cloud config accepts, without a hopper', async () => {
    const { child, exited } = run(['worldid']);
    const env = await envLines(child);
    expect(env.HOPPER_PORT).toBeUndefined();
    const { parseCloudConfig } = await import('../cloud-api/src/config');
    expect(() => parseCloudConfig({ ...env, PORT: '0' })).not.toThrow();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
