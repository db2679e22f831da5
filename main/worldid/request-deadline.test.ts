import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, systemClock } from '../../contract/clock';
import { createRpContext, generateSigningKeyHex } from '../../cloud-api/src/worldid/rp-context';
import { SIM_APP_ID, SIM_RP_ID } from '../../sim/worldid/portal';
import { startWorldIdRequest } from './request';

/**
 * wait() keeps its deadline when the bridge never answers a poll (found by test/fuzz/bridge-replies.ts):
 * idkit checks its timeout only between polls, so a stalled `GET /response/:id` used to hold the
 * kiosk's scan screen until undici's 300 s header timeout.
 */
const ACTION = 'roluatm-cash-out';

describe('World ID wait() against a bridge that never answers a poll', () => {
  let server: Server;
  let url: string;
  let polls = 0;
  beforeAll(async () => {
    // Creates requests like the bridge (world-id.md "Bridge wire protocol"), then holds every poll.
    server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/request') {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ request_id: randomUUID() }));
        });
        return;
      }
      polls += 1; // GET /response/:id: never answered
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function start() {
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex: generateSigningKeyHex(), action: ACTION }, systemClock);
    return startWorldIdRequest({ appId: SIM_APP_ID, action: ACTION, rpContext, signal: newId(), bridgeUrl: url, allowStaging: true });
  }

  it('answers timeout at its deadline while a poll hangs', async () => {
    const request = await start();
    const before = polls;
    const t0 = performance.now();
    const outcome = await request.wait({ timeoutMs: 300, pollIntervalMs: 20 });
    const elapsed = performance.now() - t0;
    expect(polls).toBeGreaterThan(before);
    expect(outcome).toMatchObject({ ok: false, code: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
  }, 3000);

  it('answers cancelled at once when the kiosk aborts while a poll hangs', async () => {
    const request = await start();
    const abort = new AbortController();
    const waiting = request.wait({ timeoutMs: 60_000, abort: abort.signal, pollIntervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const t0 = performance.now();
    abort.abort();
    expect(await waiting).toMatchObject({ ok: false, code: 'cancelled' });
    expect(performance.now() - t0).toBeLessThan(200);
  }, 3000);
});
