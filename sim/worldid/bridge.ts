import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../contract/clock';
import { BridgeIdSchema, BridgeStore, EncryptedBodySchema } from './bridge-store';
import { BodyTooLargeError, CORS_HEADERS, listen, parseJson, readBody, sendJson } from './http-util';

/**
 * A local stand-in for worldcoin/wallet-bridge, following the table in world-id.md
 * "Bridge wire protocol" exactly:
 *   POST /request {iv,payload}        → 200 {request_id}
 *   GET  /request/:id                 → {iv,payload} once, then 404
 *   PUT  /response/:id {iv,payload}   → 201; 400 unknown id; 409 already answered
 *   GET  /response/:id                → {status, response:null} | once {status:"completed", response}, then 404
 * Entries expire after 900 s; ids are 16–256 chars; bodies over 5 MiB get 413; CORS is open.
 */
export const BRIDGE_BODY_LIMIT = 5 * 1024 * 1024;

export interface BridgeOptions {
  port?: number;
  host?: '127.0.0.1';
  clock?: Clock;
}

export interface Bridge {
  url: string;
  close(): Promise<void>;
  /** How many requests kiosks have created. */
  requests(): number;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  sendJson(res, status, body, CORS_HEADERS);
}

async function readEncrypted(req: IncomingMessage, res: ServerResponse) {
  const parsed = EncryptedBodySchema.safeParse(parseJson(await readBody(req, BRIDGE_BODY_LIMIT)));
  if (!parsed.success) {
    send(res, 400, { error: 'expected a JSON body {iv, payload}' });
    return null;
  }
  return parsed.data;
}

function route(store: BridgeStore) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://bridge').pathname;
    if (method === 'OPTIONS') return send(res, 204);
    if (method === 'POST' && path === '/request') {
      const body = await readEncrypted(req, res);
      if (body) send(res, 200, { request_id: store.create(body) });
      return;
    }
    const match = /^\/(request|response)\/([^/]+)$/.exec(path);
    const id = match ? BridgeIdSchema.safeParse(decodeURIComponent(match[2] ?? '')) : null;
    if (!match || !id) return send(res, 404, { error: 'not found' });
    if (!id.success) return send(res, 400, { error: 'id must be 16–256 characters' });
    const kind = match[1];
    if (method === 'GET' && kind === 'request') {
      const request = store.takeRequest(id.data);
      return request ? send(res, 200, request) : send(res, 404, { error: 'request not found' });
    }
    if (method === 'PUT' && kind === 'response') {
      const body = await readEncrypted(req, res);
      if (!body) return;
      const outcome = store.putResponse(id.data, body);
      if (outcome === 'unknown') return send(res, 400, { error: 'unknown request id' });
      if (outcome === 'already_answered') return send(res, 409, { error: 'already answered' });
      return send(res, 201);
    }
    if (method === 'GET' && kind === 'response') {
      const answer = store.poll(id.data);
      if (answer.kind === 'missing') return send(res, 404, { error: 'request not found' });
      if (answer.kind === 'pending') return send(res, 200, { status: answer.status, response: null });
      return send(res, 200, { status: 'completed', response: answer.response });
    }
    send(res, 405, { error: 'method not allowed' });
  };
}

export async function startBridge(opts: BridgeOptions = {}): Promise<Bridge> {
  const store = new BridgeStore(opts.clock ?? systemClock);
  const handler = route(store);
  const listening = await listen(
    async (req, res) => {
      try {
        await handler(req, res);
      } catch (cause) {
        if (cause instanceof BodyTooLargeError) return send(res, 413, { error: cause.message });
        throw cause;
      }
    },
    opts.port ?? 0,
    opts.host ?? '127.0.0.1',
  );
  return { url: listening.url, close: listening.close, requests: () => store.requestCount() };
}
