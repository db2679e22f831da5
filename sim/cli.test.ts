import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
    expect(stderr).toContain('usage: npm run sim -- <hopper>');
  });
});
