import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { buildCloud } from '../../cloud-api/build';
import { testEnv } from '../../cloud-api/src/testing/harness';
import { createScratchDatabase } from '../../cloud-api/src/testing/test-db';

/**
 * Issue 18: N cloud instances from the production build (`node dist/server.js`, each its own process) on
 * one scratch Postgres database, optionally behind HAProxy (Debian's `haproxy`, started here), for the
 * multi-instance test and the cloud benches. The caller's process is only the load generator.
 */
export interface CloudInstance {
  index: number;
  url: string;
  port: number;
  child: ChildProcess;
  /** The instance's most frequent log messages and their counts. */
  logLines(): Record<string, number>;
  /** Resident set size of the instance's process, MB (from /proc). */
  rssMb(): number;
  /** CPU time (user + system) the instance's process used so far, ms (from /proc). */
  cpuMs(): number;
  /** SIGKILL: the process dies with whatever it held (long-polls, leases, half-done requests). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface CloudFleet {
  databaseUrl: string;
  /**
   * CPU time (user + system, ms) of the Postgres backends connected to the fleet's database now, by pid: the
   * caller subtracts two samples (a backend that exits between them is not counted; the pools keep theirs).
   */
  dbBackendsCpuMs(): Promise<Map<number, number>>;
  /** The balancer's URL (HAProxy) when started with `balancer: true`, else the first instance's. */
  url: string;
  instances: CloudInstance[];
  close(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** The production build of the code as it is now (a few seconds with esbuild), into `dir`. */
async function builtServer(dir: string): Promise<string> {
  return (await buildCloud(dir)).serverFile;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A child must not outlive this process (a bench stopped by timeout or a closed pipe). */
const children = new Set<ChildProcess>();
let exitHook = false;
function killWithParent(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (exitHook) return;
  exitHook = true;
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGPIPE', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(1);
    });
  }
}

/** utime + stime of a process, ms (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms). */
export function cpuMsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

async function startInstance(serverFile: string, index: number, env: Record<string, string>, nodeArgs: string[]): Promise<CloudInstance> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, serverFile], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: env.CPU_PROF_DIR ?? ROOT,
  });
  const output: string[] = [];
  const logCounts = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      if (output.length < 200) output.push(line);
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
      logCounts.set(msg, (logCounts.get(msg) ?? 0) + 1);
      if (line.includes('"cloud API listening"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cloud instance ${index} exited with ${code} before listening:\n${output.join('\n')}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killWithParent(child);
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    index,
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    rssMb: () => rssOf(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    logLines: () => Object.fromEntries([...logCounts].sort((a, b) => b[1] - a[1]).slice(0, 5)),
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}

/**
 * HAProxy in front of the instances: round robin, a health check every 300 ms (one failure takes an
 * instance out), connection failures retried on another instance, X-Forwarded-For appended (the cloud
 * runs with TRUST_PROXY=1), and timeouts longer than a 25 s long-poll.
 */
async function startHaproxy(dir: string, ports: number[]): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 8000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 70s',
      '  timeout server 70s',
      '  timeout http-keep-alive 60s',
      '  option forwardfor',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response response-timeout',
      'frontend cloud',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /healthz',
      ...ports.map((p, i) => `  server cloud${i} 127.0.0.1:${p} check inter 300 fall 1 rise 2 maxconn 5000`),
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  killWithParent(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${err}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`haproxy did not answer: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface FleetOptions {
  instances: number;
  balancer: boolean;
  /** Extra cloud env (same for every instance). */
  env?: Record<string, string>;
  /** Arguments for node before the server file (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Where --cpu-prof writes (the instances' cwd). */
  cpuProfDir?: string;
}

/** Starts the fleet on a new scratch database next to DATABASE_URL (required: Postgres is the point). */
export async function startCloudFleet(o: FleetOptions): Promise<CloudFleet> {
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('DATABASE_URL is not set: the scale-out fleet runs on Postgres (postgres://postgres@127.0.0.1:5432/postgres)');
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.data', 'scale-'));
  // Inside the repository, so the bundle's bare imports resolve from its node_modules.
  const serverFile = await builtServer(join(dir, 'dist'));
  const scratch = await createScratchDatabase(admin, 'cloud_scale');
  // One env for all: the same signing keys on every instance (testEnv makes new ones per call).
  const env = testEnv({ DATABASE_URL: scratch.url, NODE_ENV: 'production', ...(o.cpuProfDir ? { CPU_PROF_DIR: o.cpuProfDir } : {}), ...o.env });
  const instances: CloudInstance[] = [];
  try {
    // The first migrates; the others start on a migrated database (they would wait on the migration lock anyway).
    instances.push(await startInstance(serverFile, 0, env, o.nodeArgs ?? []));
    instances.push(...(await Promise.all(Array.from({ length: o.instances - 1 }, (_, i) => startInstance(serverFile, i + 1, env, o.nodeArgs ?? [])))));
    const lb = o.balancer ? await startHaproxy(dir, instances.map((i) => i.port)) : undefined;
    return {
      databaseUrl: scratch.url,
      async dbBackendsCpuMs() {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        try {
          const { rows } = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [new URL(scratch.url).pathname.slice(1)]);
          return new Map(rows.map((r) => [r.pid, cpuMsOf(r.pid)]));
        } finally {
          await c.end();
        }
      },
      url: lb?.url ?? instances[0]!.url,
      instances,
      async close() {
        await lb?.stop();
        await Promise.all(instances.map((i) => i.stop()));
        await scratch.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(instances.map((i) => i.kill()));
    await scratch.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
