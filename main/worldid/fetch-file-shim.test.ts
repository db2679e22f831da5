import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../sim/worldid/bridge';
import { installFetchFileShim, isFetchFileShimInstalled } from './fetch-file-shim';

describe('fetch file shim', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    installFetchFileShim();
    bridge = await startBridge();
  });
  afterAll(() => bridge.close());

  it('serves a file: URL from disk with its bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shim-'));
    const path = join(dir, 'blob.wasm');
    writeFileSync(path, Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    const res = await fetch(pathToFileURL(path));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0, 97, 115, 109, 1, 0, 0, 0]);
  });

  it('accepts the file: URL as a string too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shim-'));
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'hello');
    expect(await (await fetch(pathToFileURL(path).href)).text()).toBe('hello');
  });

  it('rejects a missing file with a TypeError like fetch does', async () => {
    await expect(fetch(pathToFileURL('/nonexistent/roluatm/x.wasm'))).rejects.toBeInstanceOf(TypeError);
  });

  it('passes http URLs through to the original fetch', async () => {
    const res = await fetch(`${bridge.url}/request`, { method: 'POST', body: JSON.stringify({ iv: 'aa', payload: 'bb' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('request_id');
  });

  it('installs only once however often it is called', () => {
    const before = globalThis.fetch;
    expect(installFetchFileShim()).toBe(false);
    expect(globalThis.fetch).toBe(before);
    expect(isFetchFileShimInstalled()).toBe(true);
  });
});
