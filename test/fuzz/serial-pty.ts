import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../contract/clock';
import { createCcTalkDispenser } from '../../main/hardware/cctalk-dispenser';
import { silentLog, tmpJournal, until } from '../../main/hardware/testing/dispenser-fixture';
import { attachSimulatorToDevice } from '../../sim/hopper/pty';
import type { HopperSimulator } from '../../sim/hopper/simulator';
import { type MutatingLine, STALE_REPLY_MS } from './serial-line';

/**
 * The serial fuzz case on a real pty (socat) with the real `serialport`: the simulator (echo off)
 * answers through `line`; this side echoes the host's bytes unmutated, as the shared ccTalk wire does.
 */
export async function ptyLine(sim: HopperSimulator, line: MutatingLine, noiseEveryMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-pty-'));
  const a = join(dir, 'A');
  const b = join(dir, 'B');
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => socat.once('exit', () => r()));
  await until(() => existsSync(a) && existsSync(b), 5000);
  const realAttach = sim.attach.bind(sim);
  sim.attach = (stream) => {
    let toHost = (_b: Buffer) => undefined as unknown;
    const wrapped = {
      write: (bytes: Buffer) => line.fromDevice(Buffer.from(bytes), (out) => toHost(out)),
      on: (e: 'data', l: (bytes: Buffer) => void) => stream.on(e, (bytes: Buffer) => {
        toHost(Buffer.from(bytes)); // the wire's echo
        line.fromHost(Buffer.from(bytes));
        l(bytes);
      }),
      off: () => undefined,
    };
    toHost = (out) => stream.write(out);
    if (noiseEveryMs) line.noise((out) => toHost(out), noiseEveryMs);
    return realAttach(wrapped);
  };
  const closeSim = await attachSimulatorToDevice(sim, b);
  const j = tmpJournal();
  const dispenser = createCcTalkDispenser({
    path: a, journal: j.journal, clock: new ManualClock(), log: silentLog, statusPollMs: 10, replyTimeoutMs: 100, maxStatusFailures: 6,
    staleReplyMs: STALE_REPLY_MS,
  });
  await dispenser.open();
  return {
    dispenser,
    journal: j.journal,
    async dispose() {
      await dispenser.close();
      await closeSim();
      if (socat.exitCode === null) socat.kill('SIGTERM');
      await exited;
      j.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
