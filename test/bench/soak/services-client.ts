import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApproveValueSchema, ReadySchema, ReplySchema, TotalsSchema, type Ready, type ServicesOptions, type Totals } from './protocol';

/**
 * The driver's handle on test/bench/soak/services.ts: forks it as its own node process (tsx loader),
 * waits for `ready`, and turns requests into promises. `stop()` asks it to shut down cleanly and
 * kills it (by its own pid) if it has not left within 20 s.
 */
export interface Services {
  ready: Ready;
  pid: number;
  approve(uri: string, identity: string): Promise<void>;
  totals(): Promise<Totals>;
  stop(): Promise<void>;
}

const SERVICES_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'services.ts');
const READY_TIMEOUT_MS = 120_000;

export async function startServices(options: ServicesOptions): Promise<Services> {
  const child = fork(SERVICES_ENTRY, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let lost: Error | null = null;

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('soak services did not start within 120 s')), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => reject(new Error(`soak services exited during start-up (${signal ?? code})`)));
    child.on('message', (raw) => {
      const r = ReadySchema.safeParse(raw);
      if (r.success) {
        clearTimeout(timer);
        resolve(r.data);
        return;
      }
      const reply = ReplySchema.safeParse(raw);
      if (!reply.success) return;
      const waiter = pending.get(reply.data.id);
      pending.delete(reply.data.id);
      if (reply.data.ok) waiter?.resolve(reply.data.value);
      else waiter?.reject(new Error(`soak services: ${reply.data.error}`));
    });
  }).catch(async (e: unknown) => {
    await kill(child, exited);
    throw e;
  });
  child.once('exit', (code, signal) => {
    lost = new Error(`soak services exited (${signal ?? code})`);
    for (const w of pending.values()) w.reject(lost);
    pending.clear();
  });

  const call = (op: 'approve' | 'totals' | 'stop', extra: Record<string, unknown> = {}): Promise<unknown> => {
    if (lost) return Promise.reject(lost);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, op, ...extra });
    });
  };

  return {
    ready,
    pid: ready.pid,
    async approve(uri, identity) {
      ApproveValueSchema.parse(await call('approve', { uri, identity }));
    },
    async totals() {
      return TotalsSchema.parse(await call('totals'));
    },
    async stop() {
      if (!lost) {
        const timer = setTimeout(() => void kill(child, exited), 20_000);
        await call('stop').catch(() => undefined);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await exited;
}
