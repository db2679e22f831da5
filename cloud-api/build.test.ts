import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINIAPP_SCRIPT_PATH } from './miniapp';
import { buildCloud, type CloudBuildResult } from './build';
import { testEnv } from './src/testing/harness';

/** The production build runs under plain `node` from the package's own dependencies (build.ts). */
const ownDependencies = Object.keys((JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Starts `node dist/server.js` with only the cloud's env and resolves with its listening URL. */
function startBuiltServer(serverFile: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [serverFile], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  return new Promise((resolve, reject) => {
    // The cloud logs pino JSON lines to stderr (src/log.ts).
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'cloud API listening' && entry.url) resolve({ child, url: entry.url });
      } catch {
        // not a log line; kept in output for the failure message
      }
    });
    child.once('exit', (code) => reject(new Error(`built cloud exited with ${code} before listening:\n${output.join('\n')}`)));
  });
}

describe('cloud production build (build.ts)', () => {
  const outDir = mkdtempSync(join(import.meta.dirname, '.build-test-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'roluatm-cloud-build-'));
  let built: CloudBuildResult;
  let server: { child: ChildProcess; url: string } | undefined;

  beforeAll(async () => {
    built = await buildCloud(outDir);
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      const exited = new Promise((r) => server!.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    }
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports at run time only packages the cloud declares as its own dependencies', () => {
    expect(built.packageImports).toEqual(expect.arrayContaining(['@hono/zod-openapi', 'pg', '@electric-sql/pglite', 'zod']));
    const undeclared = built.packageImports.filter((s) => !ownDependencies.includes(packageName(s)));
    expect(undeclared).toEqual([]);
    for (const buildOnly of ['esbuild', 'tsx', '@worldcoin/minikit-js', 'vitest']) {
      expect(built.packageImports.map(packageName)).not.toContain(buildOnly);
    }
  });

  it('copies the migrations beside the bundle', () => {
    expect(built.migrations.length).toBeGreaterThan(0);
    expect(built.migrations[0]).toMatch(/^001_.+\.sql$/);
  });

  it('starts under plain node on PGlite, answers /healthz and serves the prebuilt mini app script', async () => {
    server = await startBuiltServer(built.serverFile, testEnv({ HOST: '127.0.0.1', DATA_DIR: dataDir, PAYMENT_MODE: 'none' }));
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const script = await fetch(`${server.url}${MINIAPP_SCRIPT_PATH}`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('rolu-pay');
  }, 120_000); // a fresh PGlite data dir is created and migrated: ~30 s on a loaded 2-core machine

  it('refuses to start in production without DATABASE_URL: exit code 2 and a message naming it (issue 18)', async () => {
    const child = spawn(process.execPath, [built.serverFile], {
      env: { PATH: process.env.PATH ?? '', ...testEnv({ DATA_DIR: dataDir, NODE_ENV: 'production' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('NODE_ENV=production needs DATABASE_URL');
    expect(stderr).not.toContain('cloud API listening');
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    expect(server).toBeDefined();
    const exited = new Promise<number | null>((r) => server!.child.once('exit', (code) => r(code)));
    server!.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
