import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../deps';
import { CONSOLE_CSP, mountConsole } from './console-static';

const dir = mkdtempSync(join(tmpdir(), 'console-static-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(dir, 'secret.txt'), 'outside assets');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function app(d = dir) {
  const a = new Hono<AppEnv>();
  mountConsole(a, d);
  return a;
}

describe('GET /console/ (issue 17)', () => {
  it('serves index.html with the console CSP, never cached, and redirects /console to /console/', async () => {
    const res = await app().request('/console/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>console</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const redirect = await app().request('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
  });

  it('serves hashed assets as immutable with their type', async () => {
    const res = await app().request('/console/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('never serves a file outside assets/ nor a missing one', async () => {
    for (const path of ['/console/assets/..%2Fsecret.txt', '/console/assets/%2E%2E%2Fsecret.txt', '/console/assets/../secret.txt', '/console/secret.txt', '/console/assets/nope.js']) {
      const res = await app().request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('outside assets');
    }
  });

  it('says how to build the console when the bundle is missing', async () => {
    const res = await app(join(dir, 'nothing-here')).request('/console/');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('npm run build:console');
  });
});
