import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * idkit-core loads its WASM with `fetch(new URL('idkit_wasm_bg.wasm', import.meta.url))`
 * (world-id.md "Kiosk side"). Plain Node's fetch rejects `file:` URLs, so this wrapper serves
 * them from disk and hands every other URL to the original fetch unchanged.
 * Installing twice is a no-op: the wrapper is marked and never wraps itself.
 */
const SHIM_MARK = Symbol.for('roluatm.fetchFileShim');

type MarkedFetch = typeof fetch & { [SHIM_MARK]?: true };

function fileUrlOf(input: Parameters<typeof fetch>[0]): URL | null {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!raw.startsWith('file:')) return null;
  return new URL(raw);
}

function contentTypeFor(path: string): string {
  return path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
}

async function serveFile(url: URL): Promise<Response> {
  const path = fileURLToPath(url);
  try {
    const bytes = await readFile(path);
    return new Response(bytes, { status: 200, headers: { 'content-type': contentTypeFor(path) } });
  } catch (cause) {
    throw new TypeError(`fetch-file-shim: cannot read ${path}; check the package is installed`, { cause });
  }
}

/** Installs the wrapper on globalThis.fetch. Returns true if it installed it now, false if already present. */
export function installFetchFileShim(): boolean {
  const current = globalThis.fetch as MarkedFetch;
  if (current[SHIM_MARK]) return false;
  const original = current;
  const shim: MarkedFetch = (input, init) => {
    const fileUrl = fileUrlOf(input);
    return fileUrl ? serveFile(fileUrl) : original(input, init);
  };
  shim[SHIM_MARK] = true;
  globalThis.fetch = shim;
  return true;
}

/** True when the wrapper is installed on globalThis.fetch. */
export function isFetchFileShimInstalled(): boolean {
  return (globalThis.fetch as MarkedFetch)[SHIM_MARK] === true;
}
