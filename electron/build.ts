import { build, type BuildOptions, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeBuildInfo, type BuildInfo } from './build-info';
import { checkIndexHtmlCsp } from './csp';

/**
 * Bundles the Electron main process (electron/main.ts + the main/ core + contract/) to
 * dist-electron/electron/main.js (ESM, as package.json "type":"module" and Electron >= 28 allow) and
 * the sandboxed preload to dist-electron/electron/preload.cjs (CommonJS: sandboxed preloads cannot
 * load ESM). Every npm package stays external: electron itself, native modules (better-sqlite3,
 * serialport, @serialport/*), pino (its worker files) and idkit-core (its WASM next to its JS) are
 * loaded from the app's production node_modules, exactly as under plain Node.
 * Kiosk SQL migrations are copied beside main.js, where main/db/open-db.ts looks for them
 * (`<dir of the bundle>/migrations`). dist-electron/build-info.json carries the build id
 * (electron/build-info.ts), which the packed app shows in the admin screen.
 *
 * Usage: tsx electron/build.ts [--out DIR] [--check-renderer]
 */
export interface ElectronBuildResult {
  outDir: string;
  mainFile: string;
  preloadFile: string;
  migrations: string[];
  buildInfo: BuildInfo;
  metafiles: (Metafile | undefined)[];
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

export async function buildElectron(rootDir: string, outRoot: string, buildInfo: BuildInfo = currentBuildInfo(rootDir)): Promise<ElectronBuildResult> {
  const outDir = join(outRoot, 'electron');
  const mainFile = join(outDir, 'main.js');
  const preloadFile = join(outDir, 'preload.cjs');
  const main = await build({
    ...common,
    entryPoints: [join(rootDir, 'electron', 'main.ts')],
    outfile: mainFile,
    format: 'esm',
    packages: 'external',
    external: ['electron'],
  });
  const preload = await build({
    ...common,
    entryPoints: [join(rootDir, 'electron', 'preload.ts')],
    outfile: preloadFile,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome138',
    external: ['electron'],
  });
  const migrations = copyMigrations(join(rootDir, 'main', 'db', 'migrations'), join(outDir, 'migrations'));
  writeFileSync(join(outRoot, 'build-info.json'), `${JSON.stringify(buildInfo)}\n`);
  return { outDir, mainFile, preloadFile, migrations, buildInfo, metafiles: [main.metafile, preload.metafile] };
}

/** package.json version + now + the checkout's short commit (read-only git), or ROLUATM_BUILD_ID. */
export function currentBuildInfo(rootDir: string): BuildInfo {
  const { version } = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { version: string };
  let gitSha: string | null = null;
  try {
    gitSha = execFileSync('git', ['rev-parse', '--short=8', 'HEAD'], { cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    gitSha = null;
  }
  return makeBuildInfo({ version, now: new Date(), gitSha, env: process.env });
}

function copyMigrations(from: string, to: string): string[] {
  mkdirSync(to, { recursive: true });
  const files = readdirSync(from).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  for (const f of files) copyFileSync(join(from, f), join(to, f));
  return files;
}

/** The `dist` gate: dist-renderer/index.html must carry a CSP the kiosk accepts (csp.ts). */
export function rendererCspProblems(rootDir: string): string[] {
  const index = join(rootDir, 'dist-renderer', 'index.html');
  try {
    return checkIndexHtmlCsp(readFileSync(index, 'utf8'));
  } catch {
    return [`${index} is missing: run npm run build:renderer first`];
  }
}

async function cli(argv: string[]): Promise<number> {
  const root = resolve(import.meta.dirname, '..');
  const outIdx = argv.indexOf('--out');
  const out = outIdx >= 0 && argv[outIdx + 1] ? resolve(argv[outIdx + 1] as string) : join(root, 'dist-electron');
  const result = await buildElectron(root, out);
  process.stdout.write(`${JSON.stringify({ main: result.mainFile, preload: result.preloadFile, migrations: result.migrations, build: result.buildInfo.build })}\n`);
  if (argv.includes('--check-renderer')) {
    const problems = rendererCspProblems(root);
    if (problems.length > 0) {
      process.stderr.write(`renderer CSP check failed (electron/csp.ts):\n- ${problems.join('\n- ')}\n`);
      return 1;
    }
  }
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'build.ts')) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`build:electron failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
