import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import type { AppEnv } from '../deps';
import { errorHandler } from '../http-error';
import { createHarness, OPERATOR_TOKEN, silentLog, type Harness } from '../testing/harness';
import { buildDeps } from '../app';
import { apiRoute } from './api-route';

interface Operation {
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; schema: { pattern?: string } }>;
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

/** The routes' OpenAPI description is what they do: its `security` is their auth, its path ids their 404s. */
describe('routes described by their own OpenAPI configs', () => {
  let h: Harness;
  let doc: Doc;
  beforeAll(async () => {
    h = await createHarness('pglite');
    doc = (await (await h.req('GET', '/openapi.json')).json()) as Doc;
  });
  afterAll(() => h.dispose());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));

  it('answers 401 without a token on exactly the routes whose security names a token', async () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['kioskToken', 'operatorSession', 'operatorToken']);
    const wrong: string[] = [];
    let withToken = 0;
    for (const { method, path, op } of operations()) {
      expect(op.security, `${method} ${path} states its security`).toBeDefined();
      const needsToken = (op.security ?? []).length > 0;
      if (needsToken) withToken++;
      // A body the body guard lets through, so only auth can answer 401.
      const res = await h.req(method, path.replace('{id}', newId()), method === 'POST' ? { raw: '{}', headers: { 'content-type': 'application/json' } } : {});
      if (needsToken !== (res.status === 401)) wrong.push(`${method} ${path}: security ${JSON.stringify(op.security)} but ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(withToken).toBe(34); // 7 kiosk routes, 24 operator routes, 3 console-session routes
  });

  it('documents every {id} as the uuid pattern, and answers a bad id with 404 naming the thing', async () => {
    const withId = operations().filter((o) => o.path.includes('{id}'));
    expect(withId.length).toBe(14);
    for (const { op } of withId) expect(op.parameters?.find((p) => p.name === 'id' && p.in === 'path')?.schema.pattern).toMatch(/^\^\[0-9a-fA-F\]\{8\}/);
    const k = await h.enrollKiosk('ids');
    const res = await h.req('POST', '/v1/jobs/not-a-job/ack', { token: k.token });
    expect([res.status, await res.json()]).toEqual([404, { error: { code: 'not_found', message: 'job not found' } }]);
    const upper = await h.req('POST', `/v1/jobs/${newId().toUpperCase()}/ack`, { token: k.token });
    expect([upper.status, ((await upper.json()) as { error: { message: string } }).error.message]).toEqual([404, 'job not found']);
  });

  it('answers a query or body that breaks the contract schema with 400 malformed naming the field', async () => {
    const q = await h.req('GET', '/v1/fleet/attention?limit=0', { token: OPERATOR_TOKEN });
    expect([q.status, await q.json()]).toEqual([400, { error: { code: 'malformed', message: expect.stringMatching(/^invalid query — limit: /) } }]);
    const k = await h.enrollKiosk('body');
    const b = await h.req('POST', '/v1/transactions', { token: k.token, body: { id: newId(), amount_cents: 150 } });
    expect([b.status, await b.json()]).toEqual([400, { error: { code: 'malformed', message: expect.stringMatching(/^invalid request body — amount_cents: /) } }]);
    const ct = await h.req('POST', '/v1/transactions', { token: k.token, raw: '{}', headers: { 'content-type': 'application/json;;' } });
    expect([ct.status, await ct.json()]).toEqual([400, { error: { code: 'malformed', message: 'send the body as application/json' } }]);
  });

  it('refuses to mount a route whose security has no middleware', () => {
    const app = new OpenAPIHono<AppEnv>();
    const odd = apiRoute(
      createRoute({ method: 'get', path: '/odd', security: [{ apiKey: [] }], responses: { 204: { description: 'none' } } }),
      () => (c) => c.body(null, 204),
    );
    expect(() => odd.mount(app, buildDeps({ db: h.tdb.db, config: h.config, clock: h.clock, log: silentLog }))).toThrow(/GET \/odd: no middleware for security/);
  });

  it("answers a validator's own refusal (415, unreadable JSON) as 400 malformed, not 500", async () => {
    const app = new OpenAPIHono<AppEnv>();
    app.onError(errorHandler(silentLog));
    app.get('/x', () => {
      throw new HTTPException(415, { message: 'Unsupported Media Type' });
    });
    const res = await app.request('/x');
    expect([res.status, await res.json()]).toEqual([400, { error: { code: 'malformed', message: 'Unsupported Media Type' } }]);
  });
});
