import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { HopperSimulator } from './simulator';
import type { HopperSimOptions } from './sim-types';

export interface HopperOnPty {
  /** Side A of the pty pair: the kiosk opens this like /dev/ttyUSB0. */
  devicePath: string;
  sim: HopperSimulator;
  stop(): Promise<void>;
  /**
   * The USB cable is pulled: the pty pair goes away (the kiosk's reads and writes fail with EIO and
   * the device path disappears). The simulated hopper keeps its power and finishes a payout in progress.
   */
  unplug(): Promise<void>;
  /** The cable goes back in: a new pty pair appears at the same device path, wired to the same hopper. */
  replug(): Promise<void>;
}

interface Socat {
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A simulated hopper behind a socat pty pair (cctalk-hopper.md "Testing on Linux"). The simulator
 * opens side B with the real `serialport` and echoes like the shared ccTalk wire. A pty ignores the
 * baud rate; the simulator paces its coins itself.
 */
export async function startHopperOnPty(simOptions: HopperSimOptions = {}): Promise<HopperOnPty> {
  const dir = mkdtempSync(join(tmpdir(), 'hopper-pty-'));
  const a = join(dir, 'A');
  const b = join(dir, 'B');
  const sim = new HopperSimulator({ echo: true, ...simOptions });
  let socat: Socat | null = null;
  let detach: (() => Promise<void>) | null = null;
  const plug = async (): Promise<void> => {
    socat = await startSocat(a, b);
    detach = await openSimulatorPort(sim, b);
  };
  const unplug = async (): Promise<void> => {
    const d = detach;
    const s = socat;
    detach = null;
    socat = null;
    await s?.stop();
    await d?.();
  };
  try {
    await plug();
  } catch (e) {
    await unplug();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    devicePath: a,
    sim,
    unplug,
    replug: async () => {
      if (!socat) await plug();
    },
    stop: async () => {
      sim.stop();
      await unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startSocat(a: string, b: string): Promise<Socat> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(() => existsSync(a) && existsSync(b), 5000, () => `socat did not create the pty pair: ${stderr.trim()}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { proc, stop };
}

/** Opens `path` with `serialport` and lets `sim` answer on it; the returned function closes only the port. */
async function openSimulatorPort(sim: HopperSimulator, path: string, baudRate = 9600): Promise<() => Promise<void>> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => undefined); // the pty vanishing on unplug is expected
  const detach = sim.attach(port);
  return async () => {
    detach();
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  };
}

/**
 * Opens a real serial device (a pty side, or a USB-serial adapter wired to the kiosk's) with
 * `serialport` and lets `sim` answer on it. Resolves with a function that stops the simulator and closes the port.
 */
export async function attachSimulatorToDevice(sim: HopperSimulator, path: string, baudRate = 9600): Promise<() => Promise<void>> {
  const close = await openSimulatorPort(sim, path, baudRate);
  return async () => {
    sim.stop();
    await close();
  };
}

async function waitFor(pred: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 10));
  }
}
