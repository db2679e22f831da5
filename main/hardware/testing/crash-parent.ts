import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import type { ChildArgs, ChildEvent } from './crash-child';

const TSX = resolve('node_modules/.bin/tsx');
const CHILD = resolve('main/hardware/testing/crash-child.ts');

export interface CrashChild {
  readonly events: ChildEvent[];
  /** Resolves with the first event of this kind (already seen or still to come). */
  next<K extends ChildEvent['event']>(kind: K, ms?: number): Promise<Extract<ChildEvent, { event: K }>>;
  /** SIGKILL: no handler runs, nothing is flushed (the crash under test). */
  kill(): Promise<void>;
  /** Resolves with the exit code once the child ends by itself. */
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts crash-child.ts as a separate process (tsx) and collects its JSON-line events. */
export function startCrashChild(args: ChildArgs): CrashChild {
  // tsx runs the script in a node child of its own: the child gets its own process group so that
  // SIGKILL reaches both (a signal to the tsx wrapper alone would leave the real process running).
  const child: ChildProcess = spawn(TSX, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const events: ChildEvent[] = [];
  const waiters = new Set<() => void>();
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as ChildEvent);
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  void exited.then(() => {
    for (const w of waiters) w();
  });
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    events,
    exited,
    stderr: () => err,
    next(kind, ms = 20_000) {
      type E = Extract<ChildEvent, { event: typeof kind }>;
      const find = () => events.find((e): e is E => e.event === kind);
      return new Promise<E>((res, rej) => {
        const timer = setTimeout(() => done(new Error(`child: no "${kind}" event in ${ms} ms; events ${JSON.stringify(events)}; stderr ${err.slice(-2000)}`)), ms);
        const check = (): void => {
          const e = find();
          if (e) done(e);
          else if (gone) done(new Error(`child exited without "${kind}"; events ${JSON.stringify(events)}; stderr ${err.slice(-2000)}`));
        };
        const done = (r: E | Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (r instanceof Error) rej(r);
          else res(r);
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (!gone && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
  };
}
