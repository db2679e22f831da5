import { spawn } from 'node:child_process';
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
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  socat.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const cleanup = async (): Promise<void> => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => existsSync(a) && existsSync(b), 5000, () => `socat did not create the pty pair: ${stderr.trim()}`);
    const sim = new HopperSimulator({ echo: true, ...simOptions });
    const detach = await attachSimulatorToDevice(sim, b);
    return {
      devicePath: a,
      sim,
      stop: async () => {
        await detach();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * Opens a real serial device (a pty side, or a USB-serial adapter wired to the kiosk's) with
 * `serialport` and lets `sim` answer on it. Resolves with a function that stops the simulator and closes the port.
 */
export async function attachSimulatorToDevice(sim: HopperSimulator, path: string, baudRate = 9600): Promise<() => Promise<void>> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const detach = sim.attach(port);
  return async () => {
    sim.stop();
    detach();
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  };
}

async function waitFor(pred: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 10));
  }
}
