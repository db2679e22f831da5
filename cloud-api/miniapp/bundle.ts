import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the payment page's script (browser-entry.js + pay-flow.ts + @worldcoin/minikit-js) into one
 * self-contained IIFE with esbuild, at cloud start or on first request; no CDN at run time.
 * viem is replaced by viem-stub.ts (see there). The result is cached per process.
 */
let cached: Promise<string> | null = null;

export async function bundleMiniappScript(): Promise<string> {
  const stub = fileURLToPath(new URL('./viem-stub.ts', import.meta.url));
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./browser-entry.js', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'safari15'],
    minify: true,
    legalComments: 'none',
    alias: { viem: stub, 'viem/chains': stub },
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no mini app script');
  return file.text;
}

/** The bundled script, built once per process; a failed build is retried on the next call. */
export function miniappScript(): Promise<string> {
  cached ??= bundleMiniappScript().catch((cause: unknown) => {
    cached = null;
    throw cause;
  });
  return cached;
}
