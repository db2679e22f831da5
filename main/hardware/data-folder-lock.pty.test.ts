import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHopperOnPty } from '../../sim/hopper/pty';
import { DataFolderLockedError, isDataFolderLocked, lockDataFolder } from './data-folder-lock';

/**
 * Issue 13: only one kiosk core per data folder. Two real kiosk processes (main/kiosk-entry.ts) on
 * one data folder: the second exits with a clear message and touches nothing (no file in the data
 * folder, not one byte to its hopper).
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'roluatm-lock-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function kiosk(env: Record<string, string>): { child: ChildProcess; stderr: () => string; exited: Promise<number | null>; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/kiosk-entry.ts'], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => void (err += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /KIOSK_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`kiosk exited (${code}) before it started: ${err}`)));
  });
  url.catch(() => undefined);
  return { child, stderr: () => err, exited, url };
}

describe('one kiosk core per data folder', () => {
  it('a second kiosk process on the same data folder exits with a clear message and touches nothing', async () => {
    const dataDir = tmpDir();
    const hopperA = await startHopperOnPty({});
    cleanups.push(() => hopperA.stop());
    const hopperB = await startHopperOnPty({});
    cleanups.push(() => hopperB.stop());
    const base = { CLOUD_URL: 'http://127.0.0.1:9', KIOSK_DATA_DIR: dataDir, LOG_LEVEL: 'silent', UI_PORT: '0' };
    const first = kiosk({ ...base, HOPPER_PORT: hopperA.devicePath });
    cleanups.push(async () => {
      first.child.kill('SIGTERM');
      await first.exited;
    });
    await first.url;
    const filesBefore = readdirSync(dataDir).sort();
    const second = kiosk({ ...base, HOPPER_PORT: hopperB.devicePath });
    expect(await second.exited).toBe(3);
    expect(second.stderr()).toContain(`another kiosk core (pid ${first.child.pid}) is using the data folder`);
    expect(second.stderr()).toContain(dataDir);
    expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
    expect([...hopperB.sim.seen.values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(isDataFolderLocked(dataDir)).toBe(true);
    first.child.kill('SIGKILL'); // the OS drops the lock with its holder: no stale lock after a crash
    await first.exited;
    expect(isDataFolderLocked(dataDir)).toBe(false);
  }, 60_000);

  it('in one process: a second lock is refused until the first is released', () => {
    const dir = tmpDir();
    const a = lockDataFolder(dir, 'holder A');
    expect(() => lockDataFolder(dir, 'holder B')).toThrow(DataFolderLockedError);
    expect(() => lockDataFolder(dir, 'holder B')).toThrow(/another kiosk core \(holder A\)/);
    a.release();
    lockDataFolder(dir, 'holder B').release();
  });
});
