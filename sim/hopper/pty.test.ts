import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startHopperOnPty } from './pty';

describe('startHopperOnPty', () => {
  it('gives a device path that exists while running and is gone after stop', async () => {
    const hopper = await startHopperOnPty({ inventory: 10 });
    expect(existsSync(hopper.devicePath)).toBe(true);
    expect(hopper.sim.inventory).toBe(10);
    await hopper.stop();
    expect(existsSync(hopper.devicePath)).toBe(false);
  });

  it('runs as a program that prints the device as one JSON line and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/hopper/main.ts', '--coins', '5'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig as never)));
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const { device } = JSON.parse(first) as { device: string };
    expect(existsSync(device)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(device)).toBe(false);
  });
});
