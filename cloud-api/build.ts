import { build, type Plugin } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleMiniappScript } from './miniapp/bundle';
import { listMigrations } from './src/db/migrate';

/**
 * The cloud's production build (`npm run build -w cloud-api`): src/server.ts and everything it
 * imports from this package and contract/ → dist/server.js (ESM), run with plain `node`. Rules:
 * - Every npm package stays external and must be one of this package's own `dependencies`
 *   (checked by build.test.ts): the production install is `dependencies` only, no tsx, no esbuild.
 * - The World App mini app script is bundled here, at build time, and inlined: in development
 *   miniapp/bundle.ts runs esbuild on first request; in the build that module is replaced by the
 *   finished script, so esbuild and @worldcoin/minikit-js are build-time tools only.
 * - SQL migrations are copied to dist/migrations, where src/db/migrate.ts looks for them
 *   (`<dir of the running module>/migrations`).
 *
 * Usage: tsx cloud-api/build.ts [--out DIR]
 */
export interface CloudBuildResult {
  serverFile: string;
  migrations: string[];
  /** Bare module specifiers the bundle imports at run time (node: builtins excluded). */
  packageImports: string[];
}

const PACKAGE_DIR = import.meta.dirname;

export async function buildCloud(outDir: string = join(PACKAGE_DIR, 'dist')): Promise<CloudBuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  const miniappScript = await bundleMiniappScript();
  const serverFile = join(outDir, 'server.js');
  const result = await build({
    entryPoints: [join(PACKAGE_DIR, 'src', 'server.ts')],
    outfile: serverFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [prebuiltMiniapp(miniappScript)],
  });
  const packageImports = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && !imp.path.startsWith('node:')) packageImports.add(imp.path);
    }
  }
  const migrations = writeMigrations(join(outDir, 'migrations'));
  return { serverFile, migrations, packageImports: [...packageImports].sort() };
}

/** Replaces miniapp/bundle.ts (esbuild at run time) with the script built above. */
function prebuiltMiniapp(script: string): Plugin {
  const bundleModule = join(PACKAGE_DIR, 'miniapp', 'bundle.ts');
  return {
    name: 'prebuilt-miniapp',
    setup(b) {
      b.onLoad({ filter: /[\\/]miniapp[\\/]bundle\.ts$/ }, (args) => {
        if (resolve(args.path) !== bundleModule) return undefined;
        const text = JSON.stringify(script);
        return {
          loader: 'js',
          contents: `const SCRIPT = ${text};\nexport async function bundleMiniappScript() { return SCRIPT; }\nexport function miniappScript() { return Promise.resolve(SCRIPT); }\n`,
        };
      });
    },
  };
}

/** The migrations the running cloud would apply (src/db/migrate.ts lists them), written beside the bundle. */
function writeMigrations(to: string): string[] {
  mkdirSync(to, { recursive: true });
  const migrations = listMigrations();
  for (const m of migrations) writeFileSync(join(to, m.name), m.sql);
  return migrations.map((m) => m.name);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === join(PACKAGE_DIR, 'build.ts')) {
  const argv = process.argv.slice(2);
  const outIdx = argv.indexOf('--out');
  const out = outIdx >= 0 && argv[outIdx + 1] ? resolve(argv[outIdx + 1] as string) : undefined;
  buildCloud(out).then(
    (r) => process.stdout.write(`${JSON.stringify({ server: r.serverFile, migrations: r.migrations, packages: r.packageImports })}\n`),
    (err: unknown) => {
      process.stderr.write(`cloud build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
