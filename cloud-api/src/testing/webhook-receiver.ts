import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookBodySchema, type WebhookBody } from '../../../contract/console-api';

/**
 * A webhook receiver for tests (issue 17), written as an operator's would be and independent of the cloud's
 * signing code: it recomputes HMAC-SHA256(secret, "<X-RoluATM-Timestamp>.<raw body>") with node:crypto and compares
 * it with X-RoluATM-Signature in constant time. Each path has its own secret and its own scripted answers
 * (default 200 when the script runs out; 0 = never answer).
 */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The signature matched the path's secret. */
  signatureValid: boolean;
  body: WebhookBody | undefined;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Sets the path's secret (from the create answer) and the statuses it answers, in order. */
  expect(path: string, secret: string, statuses?: number[]): void;
  /** Resolves once `n` requests have arrived on `path` (or throws after `ms`). */
  waitFor(path: string, n: number, ms?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export function verifyWebhookSignature(secret: string, timestamp: string, raw: string, header: string): boolean {
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`, 'utf8').digest('hex')}`);
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secrets = new Map<string, string>();
  const scripts = new Map<string, number[]>();
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      const secret = secrets.get(path);
      const ts = String(req.headers['x-roluatm-timestamp'] ?? '');
      const sig = String(req.headers['x-roluatm-signature'] ?? '');
      let body: WebhookBody | undefined;
      try {
        body = WebhookBodySchema.parse(JSON.parse(raw));
      } catch {
        body = undefined;
      }
      const status = scripts.get(path)?.shift() ?? 200;
      received.push({ path, headers: req.headers, raw, signatureValid: secret !== undefined && verifyWebhookSignature(secret, ts, raw, sig), body, answered: status });
      if (status === 0) return; // scripted silence: never answers (the sender's timeout)
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    expect(path, secret, statuses = []) {
      secrets.set(path, secret);
      scripts.set(path, [...statuses]);
    },
    async waitFor(path, n, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = received.filter((r) => r.path === path);
        if (got.length >= n) return got;
        if (Date.now() > deadline) throw new Error(`webhook receiver: ${got.length} of ${n} requests on ${path} after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
