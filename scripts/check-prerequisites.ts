import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';

/**
 * The first step of `npm test` (README "Prerequisites"): names every missing tool and how to install it,
 * then exits 1, instead of letting tests fail one by one with ENOENT. `npm start` needs the same tools
 * except shellcheck. Nothing here installs anything.
 *
 * Usage: tsx scripts/check-prerequisites.ts
 */
export interface MissingPrerequisite {
  name: string;
  why: string;
  /** The Debian package that provides it, when apt-get can install it. */
  aptPackage: string | null;
  howToFix: string;
}

export interface PrerequisiteContext {
  env: NodeJS.ProcessEnv;
  nodeVersion: string;
  rootDir: string;
  /** Whether better-sqlite3's native module loads (it is compiled when no prebuilt binary fits). */
  sqliteLoads: () => boolean;
}

interface Tool {
  command: string;
  aptPackage: string;
  why: string;
}

const TOOLS: Tool[] = [
  { command: 'socat', aptPackage: 'socat', why: 'the hopper simulator runs on a socat pseudo-terminal' },
  { command: 'shellcheck', aptPackage: 'shellcheck', why: 'the build tests lint the Pi install and launch scripts' },
  { command: 'udevadm', aptPackage: 'udev', why: 'SerialPort.list reads serial devices through udev' },
  { command: 'haproxy', aptPackage: 'haproxy', why: 'the multi-instance cloud test (test/scale) runs three instances behind it' },
];

/** True when `command` is an executable file in one of PATH's directories. */
export function onPath(command: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** The minimum version in package.json's `engines.node` (">=22.12.0" → [22, 12, 0]). */
export function minimumNode(rootDir: string): number[] {
  const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(pkg.engines?.node ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

function atLeast(version: string, minimum: number[]): boolean {
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = minimum[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export function missingPrerequisites(ctx: PrerequisiteContext): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  const minimum = minimumNode(ctx.rootDir);
  if (!atLeast(ctx.nodeVersion, minimum)) {
    missing.push({ name: `Node ${minimum.join('.')} or newer (this is ${ctx.nodeVersion})`, why: 'package.json engines', aptPackage: null, howToFix: 'install Node 24 LTS, or run `. scripts/node-lts.sh` in this shell (it takes Node 24 from the npm registry)' });
  }
  for (const tool of TOOLS) {
    if (!onPath(tool.command, ctx.env.PATH)) {
      missing.push({ name: tool.command, why: tool.why, aptPackage: tool.aptPackage, howToFix: `apt-get install ${tool.aptPackage}` });
    }
  }
  const chromium = ctx.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    accessSync(chromium, constants.X_OK);
  } catch {
    missing.push({ name: `chromium (${chromium})`, why: 'the end-to-end tests drive the kiosk screens in Chromium', aptPackage: 'chromium', howToFix: 'apt-get install chromium, or set CHROMIUM_PATH' });
  }
  if (!ctx.sqliteLoads()) {
    missing.push({
      name: 'better-sqlite3 native module',
      why: 'the kiosk journal; it is compiled when no prebuilt binary fits this Node',
      aptPackage: 'build-essential python3',
      howToFix: 'apt-get install build-essential python3, then npm rebuild better-sqlite3',
    });
  }
  return missing;
}

export function describeMissing(missing: MissingPrerequisite[]): string {
  const lines = ['npm test cannot run: prerequisites are missing (README "Prerequisites"):'];
  for (const m of missing) lines.push(`  - ${m.name}: ${m.why}. Fix: ${m.howToFix}`);
  const apt = missing.flatMap((m) => (m.aptPackage ? m.aptPackage.split(' ') : []));
  if (apt.length > 0) lines.push(`All at once (as root): apt-get update && apt-get install -y ${[...new Set(apt)].join(' ')}`);
  return `${lines.join('\n')}\n`;
}

function sqliteLoadsFrom(rootDir: string): () => boolean {
  return () => {
    try {
      const Database = createRequire(join(rootDir, 'package.json'))('better-sqlite3') as new (file: string) => { close(): void };
      new Database(':memory:').close();
      return true;
    } catch {
      return false;
    }
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === join(import.meta.dirname, 'check-prerequisites.ts')) {
  const rootDir = resolve(import.meta.dirname, '..');
  const missing = missingPrerequisites({ env: process.env, nodeVersion: process.versions.node, rootDir, sqliteLoads: sqliteLoadsFrom(rootDir) });
  if (missing.length > 0) {
    process.stderr.write(describeMissing(missing));
    process.exit(1);
  }
}
