import { request as httpRequest } from 'node:http';
import { serve } from '@hono/node-server';
import { BODY_LIMIT_BYTES } from '../../cloud-api/src/app';
import { ROUTES } from '../../cloud-api/src/openapi';
import { changedTables, checksum } from '../../cloud-api/src/testing/db-checksum';
import type { Backend } from '../../cloud-api/src/testing/test-db';
import { createCloudFixture, type CloudFixture } from './cloud-fixture';
import { BAD_IDS, BAD_QUERIES, CONTENT_TYPES, mutateJson, mutateRaw, UNICODE } from './cloud-mutations';
import { ROUTE_SPECS, type AuthKind, type Effect, type RouteSpec, type Sent } from './cloud-routes-spec';
import { caseNumbers, printable, type FuzzOptions, type FuzzReport, type Violation } from './report';
import { Rng } from './rng';

/**
 * Fuzzer 1 (issue 8 "Fuzzing"): every cloud route with generated bad input. Invariants per case:
 * never a 5xx, never a hang (REQUEST_TIMEOUT_MS), every 4xx is `{"error":{"code"}}`, and a case the
 * contract says must be refused leaves every table's checksum unchanged. Routes come from
 * cloud-api/src/openapi.ts ROUTES and the app's own route table, so a new route without a spec fails.
 */
export const REQUEST_TIMEOUT_MS = 5000;

export interface CloudCase {
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  steps: string[];
  auth: AuthKind;
  transport: 'in-process' | 'http';
  effect: Effect;
}

interface RouteStats {
  cases: number;
  status: Record<string, number>;
}

/** Every route the app serves and the API documents; throws when one has no spec (no generator). */
export function routeKeys(f: CloudFixture): string[] {
  const keys = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
  for (const r of f.h.app.routes) if (r.method !== 'ALL' && r.path !== '/*' && r.path !== '*') keys.add(`${r.method} ${r.path}`);
  const missing = [...keys].filter((k) => !ROUTE_SPECS[k]);
  if (missing.length > 0) throw new Error(`cloud routes without a fuzz generator (add them to test/fuzz/cloud-routes-spec.ts): ${missing.join(', ')}`);
  return [...keys].sort();
}

const tokenOf = (f: CloudFixture, a: AuthKind): string | undefined =>
  a === 'none' || a === 'garbage' ? undefined : a === 'operator' ? f.tokens.operator : f.tokens[a];

/** Which credential a header presents, by the contract's rule `Bearer <token>` (case-insensitive scheme). */
function authOf(f: CloudFixture, header: string | undefined): AuthKind {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return 'none';
  const t = m[1];
  for (const k of ['A', 'B', 'R', 'operator'] as const) if (t === tokenOf(f, k)) return k;
  return 'garbage';
}

function authHeader(rng: Rng, f: CloudFixture, spec: RouteSpec): { header?: string; step: string } {
  const tok = (k: AuthKind) => tokenOf(f, k) ?? 'x';
  const kind = rng.weighted({ missing: 2, other: 4, garbage: 2, scheme: 2, spacing: 1 });
  const other = rng.pick((['A', 'B', 'R', 'operator'] as const).filter((k) => k !== spec.auth));
  switch (kind) {
    case 'missing': return { step: 'no authorization' };
    case 'other': return { header: `Bearer ${tok(other)}`, step: `token of ${other}` };
    case 'garbage': return {
      header: `Bearer ${rng.pick(['x', 'not-a-real-token', tok(spec.auth).slice(0, -1), `${tok(spec.auth)}x`, tok(spec.auth).toUpperCase(), 'a'.repeat(rng.int(100, 8000)), pct(rng.pick(UNICODE))])}`,
      step: 'garbage token',
    };
    case 'scheme': return { header: rng.pick([`Basic ${tok(spec.auth)}`, `Token ${tok(spec.auth)}`, tok(spec.auth), 'Bearer', 'Bearer ', `Bearer ${tok(spec.auth)} ${tok(spec.auth)}`]), step: 'wrong scheme' };
    default: return { header: rng.pick([`bearer ${tok(spec.auth)}`, `Bearer    ${tok(spec.auth)}   `, `BEARER ${tok(spec.auth)}`]), step: 'unusual spacing/case' };
  }
}

/** Builds one mutated request for `route` (1–3 mutations of its base request). */
export function generateCase(rng: Rng, f: CloudFixture, route: string): CloudCase {
  const spec = ROUTE_SPECS[route]!;
  const [method0, pattern] = route.split(' ') as [string, string];
  let method = method0;
  let id = spec.id?.(f);
  let query = spec.query ?? '';
  const headers: Record<string, string> = {};
  const base = spec.body?.(f);
  let value: unknown = base;
  let raw: string | undefined;
  let contentType: string | undefined = base !== undefined ? 'application/json' : undefined;
  let authorization = spec.auth === 'none' ? undefined : `Bearer ${tokenOf(f, spec.auth)}`;
  const steps: string[] = [];
  const kinds = { body: base !== undefined ? 6 : 0, raw: base !== undefined ? 3 : 0, auth: spec.auth !== 'none' ? 3 : 1, id: id !== undefined ? 3 : 0,
    query: 2, contentType: base !== undefined ? 2 : 1, method: 1, unexpectedBody: base === undefined && method === 'POST' ? 2 : 0 };
  const n = rng.weighted({ one: 5, two: 3, three: 2 });
  for (let i = 0; i < (n === 'one' ? 1 : n === 'two' ? 2 : 3); i++) {
    switch (rng.weighted(kinds)) {
      case 'body': {
        let m;
        try {
          m = mutateJson(rng, raw === undefined ? value : (raw.length < 10_000 ? safeParse(raw) : undefined) ?? value);
        } catch {
          m = { name: 'replace deep body', raw: JSON.stringify(base) }; // a nested bomb from an earlier step cannot be walked
        }
        steps.push(m.name);
        if (m.raw !== undefined) raw = m.raw;
        else { value = m.value; raw = undefined; }
        break;
      }
      case 'raw': {
        const m = mutateRaw(rng, raw ?? JSON.stringify(value), BODY_LIMIT_BYTES);
        steps.push(m.name);
        raw = m.raw;
        break;
      }
      case 'auth': {
        const a = authHeader(rng, f, spec);
        steps.push(a.step);
        authorization = a.header;
        break;
      }
      case 'id': {
        const pool = [...BAD_IDS, ...(spec.ids?.(f) ?? []), id!.toUpperCase(), `${id}0`, id!.slice(1), `{${id}}`];
        id = rng.pick(pool);
        steps.push(`id ${printable(id, 40) as string}`);
        break;
      }
      case 'query': {
        const q = rng.pick(BAD_QUERIES);
        query = rng.chance(0.5) && query ? `${query}&${q}` : q;
        steps.push(`query ${printable(q, 40) as string}`);
        break;
      }
      case 'contentType': {
        contentType = rng.pick([...CONTENT_TYPES, undefined]);
        steps.push(`content-type ${contentType ?? '(none)'}`);
        break;
      }
      case 'method': {
        method = rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].filter((m) => m !== method0));
        steps.push(`method ${method}`);
        break;
      }
      default: {
        const m = rng.pick([{ s: '{}', c: 'application/json' }, { s: '{"n":1}', c: 'application/json' }, { s: 'garbage', c: undefined }, { s: 'garbage', c: 'text/plain' },
          { s: '[]', c: 'application/json' }, { s: 'x'.repeat(BODY_LIMIT_BYTES + 1), c: 'application/json' }, { s: '', c: 'application/json' }]);
        raw = m.s;
        contentType = m.c;
        steps.push(`body ${printable(m.s, 20) as string} as ${m.c ?? '(no content-type)'}`);
      }
    }
  }
  const body = method === 'GET' || method === 'HEAD' ? undefined : raw ?? (value === undefined ? undefined : JSON.stringify(value));
  if (contentType !== undefined && body !== undefined) headers['content-type'] = contentType;
  if (authorization !== undefined) headers.authorization = authorization;
  const path = id === undefined ? pattern : pattern.replace(':id', encodeId(id));
  const url = `${path}${query ? `?${query.replace(/[^A-Za-z0-9%=&._~[\]-]/g, (ch) => pct(ch))}` : ''}`;
  const c: CloudCase = { route, method, url, headers, body, steps, auth: authOf(f, authorization), transport: rng.chance(0.15) ? 'http' : 'in-process', effect: 'none' };
  c.effect = method !== method0 ? 'none' : spec.effect(sentOf(c, id), f);
  return c;
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as their UTF-16 code in hex. */
function pct(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Buffer.from(s, 'utf16le').toString('hex');
  }
}

/** Ids with characters a path cannot carry are percent-encoded; ids already %-encoded go as they are. */
function encodeId(id: string): string {
  return /^[A-Za-z0-9%._~:{}'-]*$/.test(id) && id.length > 0 ? id.replace(/'/g, '%27') : pct(id);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the route sees of the case (decoded id, query, parsed JSON body), for the contract prediction. */
function sentOf(c: CloudCase, rawId: string | undefined): Sent {
  const ct = c.headers['content-type'];
  const bytes = c.body === undefined ? 0 : Buffer.byteLength(c.body);
  let id = rawId;
  try {
    if (rawId !== undefined) id = decodeURIComponent(encodeId(rawId));
  } catch {
    id = rawId;
  }
  // The route reads the body as UTF-8 text (TextDecoder drops a leading BOM).
  const parsed = c.body === undefined || bytes > BODY_LIMIT_BYTES ? undefined : safeParseOk(c.body.replace(/^\uFEFF/, ''));
  return {
    method: c.method,
    auth: c.auth,
    id,
    query: new URLSearchParams(c.url.split('?')[1] ?? ''),
    json: parsed ?? { ok: false },
    rawEmpty: c.body === undefined || c.body === '',
    contentTypeJson: /^application\/json\b/i.test(ct ?? ''),
    contentTypePresent: ct !== undefined && ct !== '',
    bytes,
  };
}

function safeParseOk(text: string): { ok: true; value: unknown } | undefined {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

interface Answer {
  status: number;
  text: string;
  ms: number;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

function sendHttp(port: number, c: CloudCase): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // An explicit length: without it Node sends a DELETE/OPTIONS body unframed and the server reads it as the next request.
    const headers = c.body === undefined ? c.headers : { ...c.headers, 'content-length': String(Buffer.byteLength(c.body)) };
    const req = httpRequest({ host: '127.0.0.1', port, method: c.method, path: c.url, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(REQUEST_TIMEOUT_MS + 1000, () => req.destroy(new Error('client timeout')));
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}

async function sendInProcess(f: CloudFixture, c: CloudCase): Promise<Answer> {
  const started = performance.now();
  const res = await f.h.app.request(c.url, { method: c.method, headers: c.headers, body: c.body });
  return { status: res.status, text: await res.text(), ms: performance.now() - started };
}

export interface CloudFuzzOptions extends FuzzOptions {
  backend: Backend;
}

/** Runs the route fuzzer on a fresh fixture; see the file comment for the invariants. */
export async function fuzzCloudRoutes(o: CloudFuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const f = await createCloudFixture(o.backend);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: f.h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const violations: Violation[] = [];
  const byRoute: Record<string, RouteStats> = {};
  let rateLimited = 0;
  let validCases = 0;
  let redraws = 0;
  let slowestMs = 0;
  try {
    const routes = routeKeys(f);
    let before = await checksum(f.h.tdb.db);
    for (const n of caseNumbers(o)) {
      const rng = Rng.forCase(o.seed, n);
      const route = routes[n % routes.length]!;
      let c = generateCase(rng, f, route);
      for (let tries = 0; c.effect === 'skip' && tries < 50; tries++, redraws++) c = generateCase(rng, f, route);
      if (c.effect === 'skip') continue;
      const fail = (invariant: string, detail: string) => violations.push({ case: n, invariant, detail, input: printable({ ...c, body: c.body }) });
      let answer: Answer | 'timeout';
      try {
        answer = await withTimeout(c.transport === 'http' ? sendHttp(port, c) : sendInProcess(f, c), REQUEST_TIMEOUT_MS);
      } catch (e) {
        fail('answers', `request failed: ${(e as Error).message}`);
        continue;
      }
      const stats = (byRoute[route] ??= { cases: 0, status: {} });
      stats.cases++;
      if (answer === 'timeout') {
        stats.status.timeout = (stats.status.timeout ?? 0) + 1;
        fail('no hang', `no answer in ${REQUEST_TIMEOUT_MS} ms`);
        before = await checksum(f.h.tdb.db);
        continue;
      }
      slowestMs = Math.max(slowestMs, answer.ms);
      stats.status[answer.status] = (stats.status[answer.status] ?? 0) + 1;
      if (answer.status === 429) rateLimited++;
      if (answer.status >= 500) fail('no 5xx', `${answer.status} ${answer.text.slice(0, 300)}`);
      if (answer.status >= 400 && answer.status < 500 && !/^\{"error":\{"code":"[a-z_]+"/.test(answer.text)) {
        fail('4xx has an error code', `${answer.status} ${answer.text.slice(0, 200)}`);
      }
      if (c.effect === 'valid') {
        validCases++;
        before = await checksum(f.h.tdb.db); // contract-valid input may change state: new baseline
        continue;
      }
      const after = await checksum(f.h.tdb.db);
      const changed = changedTables(before, after);
      if (changed.length > 0) {
        fail('no state change', `${answer.status} ${answer.text.slice(0, 200)}; tables changed: ${changed.join(', ')}`);
        before = after;
      }
      if (n % 500 === 0) o.progress?.(`cloud_routes: case ${n}, ${violations.length} violations, ${Math.round(performance.now() - started)} ms`);
    }
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await f.dispose();
  }
  const duration = Math.round(performance.now() - started);
  return {
    fuzzer: 'cloud_routes',
    seed: o.seed,
    cases: Object.values(byRoute).reduce((s, r) => s + r.cases, 0),
    violations,
    by_route: byRoute,
    backend: o.backend,
    valid_cases: validCases,
    rate_limited: rateLimited,
    redraws,
    slowest_ms: Math.round(slowestMs),
    cases_per_s: Math.round((Object.values(byRoute).reduce((s, r) => s + r.cases, 0) / duration) * 1000),
    duration_ms: duration,
  };
}
