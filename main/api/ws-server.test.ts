import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { WireServerMessageSchema, type KioskState, type WireServerMessage } from '../../contract/kiosk-api';
import { ok } from '../../contract/result';
import { refusingAdminHandlers } from '../admin/admin-handlers-type';
import { createKioskApi } from './kiosk-api-impl';
import { safeStaticPath } from './static-files';
import { startUiServer } from './ws-server';

const log = pino({ level: 'silent' });
const state: KioskState = {
  flow: { screen: 'idle' },
  online: true,
  out_of_service: null,
  hopper: { connected: true, ok: true, serial: 1, faults: [], coins_available: 100 },
  free_coins: 100,
  limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] },
  fee: { flat_cents: 0, bps: 0 },
  version: 'test',
  demo_phone_url: null,
  payment_mode: null, support_contact: null, day_time_zone: null,
  admin_open: false,
};
const started: number[] = [];
const api = createKioskApi({
  log,
  handlers: {
    getState: () => ok(state),
    startCashOut: ({ amount_cents }) => (started.push(amount_cents), ok({ transaction_id: 't' })),
    startCollect: () => ok({ transaction_id: 'c' }),
    cancel: () => ok({}),
    extendSession: () => ok({ expires_at: new Date(0).toISOString() }),
    dismiss: () => ok({}),
    ...refusingAdminHandlers(),
  },
  subscribe: (l) => (l(state), () => {}),
});

let server: Awaited<ReturnType<typeof startUiServer>>;
let staticDir: string;
beforeEach(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'kiosk-ui-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  server = await startUiServer({ api, host: '127.0.0.1', port: 0, staticDir, log });
});
afterEach(() => server.close());

function connect(token: string | null, origin?: string) {
  const u = new URL(server.url);
  const wsUrl = `ws://${u.host}/kiosk-api${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const ws = new WebSocket(wsUrl, { origin: origin ?? u.origin });
  const messages: WireServerMessage[] = [];
  ws.on('message', (d) => messages.push(WireServerMessageSchema.parse(JSON.parse(String(d)))));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const opened = new Promise<void>((r, j) => (ws.on('open', () => r()), ws.on('error', j)));
  const next = async (pred: (m: WireServerMessage) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const m = messages.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no such message');
  };
  return { ws, closed, opened, next };
}
const tokenOf = () => new URL(server.url).searchParams.get('token')!;

describe('UI server', () => {
  it('serves the renderer at / and refuses paths outside the static folder', async () => {
    const res = await fetch(new URL('/', server.url));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>kiosk</title>');
    for (const bad of ['/../secret', '/%2e%2e/secret', '/..%2fsecret', '/a/../../b', '/%00', '/%E0%A4%A']) {
      expect(safeStaticPath(staticDir, bad), bad).toBeNull();
    }
  });

  it('closes with 4401 when the token is missing or wrong', async () => {
    expect(await connect(null).closed).toBe(4401);
    expect(await connect(tokenOf() + 'x').closed).toBe(4401);
    expect(await connect('a'.repeat(tokenOf().length)).closed).toBe(4401);
  });

  it('closes with 4403 when the page comes from another origin', async () => {
    expect(await connect(tokenOf(), 'http://evil.example').closed).toBe(4403);
  });

  it('pushes the state at once and answers contract calls', async () => {
    const c = connect(tokenOf());
    await c.opened;
    expect(await c.next((m) => m.type === 'state')).toMatchObject({ type: 'state', state: { online: true } });
    c.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'startCashOut', params: { amount_cents: 500 } }));
    expect(await c.next((m) => m.type === 'result' && m.id === 1)).toMatchObject({ result: { ok: true, value: { transaction_id: 't' } } });
    expect(started).toContain(500);
    c.ws.close();
  });

  it('refuses unknown methods and bad params without calling anything', async () => {
    const c = connect(tokenOf());
    await c.opened;
    const before = started.length;
    c.ws.send(JSON.stringify({ type: 'call', id: 2, method: 'dispenseCoins', params: { coins: 100 } }));
    c.ws.send(JSON.stringify({ type: 'call', id: 3, method: 'constructor', params: {} }));
    c.ws.send(JSON.stringify({ type: 'call', id: 4, method: 'startCashOut', params: { amount_cents: 250, extra: 1 } }));
    expect(await c.next((m) => m.type === 'result' && m.id === 2)).toMatchObject({ result: { ok: false, error: { code: 'unknown_method' } } });
    expect(await c.next((m) => m.type === 'result' && m.id === 3)).toMatchObject({ result: { ok: false, error: { code: 'unknown_method' } } });
    expect(await c.next((m) => m.type === 'result' && m.id === 4)).toMatchObject({ result: { ok: false, error: { code: 'invalid_params' } } });
    expect(started.length).toBe(before);
    c.ws.close();
  });
});
