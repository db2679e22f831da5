import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { newId } from '../../../contract/clock';
import { canonicalJobBytes, type SignedJob, type UnsignedJob } from '../../../contract/job';
import { SyncRequestSchema, type CreateTransactionResponse, type RpContext, type TransactionView } from '../../../contract/http';
import type { SyncEvent } from '../../../contract/sync-events';

/**
 * A small stand-in for cloud-api over real HTTP, for the kiosk's client/pusher/receiver/flow
 * tests (the lead runs the real cloud in integration). Routes and bodies per contract/http.ts.
 * Jobs are signed with a real Ed25519 key. Each route's answer can be replaced by a test.
 */
export type Reply = { status: number; body?: unknown };
type Handler = (body: unknown, path: string) => Reply | undefined;

export interface FakeCloud {
  url: string;
  kioskId: string;
  token: string;
  publicKeyB64: string;
  privateKey: KeyObject;
  requests: { method: string; path: string; body: unknown }[];
  stored: Map<number, SyncEvent>;
  acked: string[];
  /** Replace a route's answer: 'enroll' | 'transactions' | 'world-id' | 'sync' | 'jobs' | 'ack'. */
  override: Partial<Record<'enroll' | 'transactions' | 'world-id' | 'sync' | 'jobs' | 'ack', Handler>>;
  /** What POST /v1/transactions hands the kiosk for World ID (a real signed rp_context in integration). */
  worldId: { app_id: string; action: string; rpContext: () => RpContext };
  /** In PAYMENT_MODE=none the job is queued as soon as World ID is accepted (default true). */
  autoJob: boolean;
  signJob(job: UnsignedJob, key?: KeyObject): SignedJob;
  queueJob(job: SignedJob): void;
  jobFor(transactionId: string, coins: number): SignedJob;
  highSeq(): number;
  close(): Promise<void>;
}

export async function startFakeCloud(): Promise<FakeCloud> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const waiters: ((job: SignedJob | null) => void)[] = [];
  const queue: SignedJob[] = [];
  const txs = new Map<string, TransactionView>();

  const cloud: FakeCloud = {
    url: '',
    kioskId: newId(),
    token: 'k'.repeat(40),
    publicKeyB64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey,
    requests: [],
    stored: new Map(),
    acked: [],
    override: {},
    autoJob: true,
    worldId: {
      app_id: 'app_staging_test',
      action: 'cash-out',
      rpContext: () => ({ rp_id: 'rp_test', nonce: 'n1', created_at: 1, expires_at: 2, signature: 'sig' }),
    },
    signJob(job, key = privateKey) {
      return { ...job, signature: sign(null, canonicalJobBytes(job), key).toString('base64') };
    },
    queueJob(job) {
      const w = waiters.shift();
      if (w) w(job);
      else queue.push(job);
    },
    jobFor(transactionId, coins) {
      const expires = new Date(Date.now() + 3600_000).toISOString();
      return cloud.signJob({ id: newId(), transaction_id: transactionId, kiosk_id: cloud.kioskId, coins, expires_at: expires });
    },
    highSeq() {
      let s = 0;
      while (cloud.stored.has(s + 1)) s += 1;
      return s;
    },
    close: async () => {},
  };

  const route = (req: IncomingMessage, path: string, body: unknown): Reply | Promise<Reply> => {
    const authed = req.headers.authorization === `Bearer ${cloud.token}`;
    if (path === '/v1/kiosks/enroll') {
      return cloud.override.enroll?.(body, path) ?? { status: 201, body: { kiosk_id: cloud.kioskId, token: cloud.token, job_public_key: cloud.publicKeyB64 } };
    }
    if (!authed) return { status: 401, body: { error: { code: 'unauthorized', message: 'bad token' } } };
    if (path === '/v1/transactions') return cloud.override.transactions?.(body, path) ?? createTx(body as { id: string; amount_cents: number });
    if (/^\/v1\/transactions\/[^/]+\/world-id$/.test(path)) {
      const id = decodeURIComponent(path.split('/')[3] ?? '');
      const r = cloud.override['world-id']?.(body, path) ?? { status: 200, body: { transaction: { ...txs.get(id), status: cloud.autoJob ? 'paid' : 'verified' } } };
      const tx = txs.get(id);
      if (r.status === 200 && cloud.autoJob && tx) cloud.queueJob(cloud.jobFor(id, tx.coins));
      return r;
    }
    if (path.startsWith('/v1/jobs/next')) return cloud.override.jobs?.(body, path) ?? nextJob(path);
    if (/^\/v1\/jobs\/[^/]+\/ack$/.test(path)) {
      const id = decodeURIComponent(path.split('/')[3] ?? '');
      cloud.acked.push(id);
      return cloud.override.ack?.(body, path) ?? { status: 200, body: { job_id: id, status: 'acked' } };
    }
    if (path === '/v1/sync') {
      const o = cloud.override.sync?.(body, path);
      if (o) return o;
      const parsed = SyncRequestSchema.safeParse(body);
      if (!parsed.success) return { status: 400, body: { error: { code: 'malformed', message: parsed.error.message } } };
      for (const e of parsed.data.events) if (!cloud.stored.has(e.seq)) cloud.stored.set(e.seq, e);
      return { status: 200, body: { high_seq: cloud.highSeq() } };
    }
    return { status: 404, body: { error: { code: 'not_found', message: path } } };
  };

  function createTx(body: { id: string; amount_cents: number }): Reply {
    const now = new Date();
    const tx: TransactionView = {
      id: body.id,
      kiosk_id: cloud.kioskId,
      amount_cents: body.amount_cents,
      fee_cents: 50,
      total_cents: body.amount_cents + 50,
      coins: body.amount_cents / 25,
      status: 'created',
      coins_paid: null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 600_000).toISOString(),
    };
    txs.set(tx.id, tx);
    const answer: CreateTransactionResponse = {
      transaction: tx,
      rp_context: cloud.worldId.rpContext(),
      world_id: { app_id: cloud.worldId.app_id, action: cloud.worldId.action },
      payment_reference: tx.id.replace(/-/g, ''),
      return_to: `https://world.org/mini-app?app_id=app_staging_test&path=/pay/${tx.id}`,
      payment_mode: cloud.autoJob ? 'none' : 'world_app',
    };
    return { status: 200, body: answer };
  }

  function nextJob(path: string): Promise<Reply> {
    const job = queue.shift();
    if (job) return Promise.resolve({ status: 200, body: { job } });
    const wait = Number(new URL(path, 'http://x').searchParams.get('wait') ?? '0');
    return new Promise((resolve) => {
      const w = (j: SignedJob | null) => resolve(j ? { status: 200, body: { job: j } } : { status: 204 });
      waiters.push(w);
      setTimeout(() => {
        const i = waiters.indexOf(w);
        if (i < 0) return;
        waiters.splice(i, 1);
        w(null);
      }, Math.min(wait * 1000, 300));
    });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body: unknown = text ? JSON.parse(text) : undefined;
      cloud.requests.push({ method: req.method ?? '', path, body });
      void Promise.resolve(route(req, path, body)).then((r) => {
        if (r.status === 204 || r.body === undefined) res.writeHead(r.status).end();
        else res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cloud.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cloud.close = () =>
    new Promise<void>((r) => {
      for (const w of waiters.splice(0)) w(null);
      server.closeAllConnections();
      server.close(() => r());
    });
  return cloud;
}
