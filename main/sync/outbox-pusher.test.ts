import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../contract/clock';
import { quote } from '../../contract/money';
import type { KioskDb } from '../db/open-db';
import { appendOutbox, getOutboxRow, listUnsent } from '../db/outbox';
import { insertTransaction } from '../db/transactions';
import type { Timers } from './backoff';
import { createCloudClient } from './cloud-client';
import { createOutboxPusher } from './outbox-pusher';
import { cloudEvents, silent as log, startRealCloud, type RealCloud, type TestKiosk } from '../../test/support/real-cloud';

/** Timers a test fires by hand; records every delay asked for. */
function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      pending.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = pending.indexOf(h as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return { timers, pending, fire: () => pending.shift()?.fn() };
}

/**
 * The real pusher against the real cloud (PGlite) through the test proxy; the proxy's hooks stand
 * in for the cloud answers a test needs that a healthy cloud never gives (a 5xx, a lower high_seq).
 */
let rc: RealCloud;
let k: TestKiosk;
let db: KioskDb;
const clock = new ManualClock();

beforeAll(async () => {
  rc = await startRealCloud('pglite');
});
afterAll(async () => {
  await rc.close();
});
beforeEach(async () => {
  k = await rc.kiosk('push');
  db = k.db;
});
afterEach(() => {
  rc.proxy.hooks = {};
});

/** What the cloud stored for this kiosk, by seq. */
const stored = async () => new Map((await cloudEvents(rc, k.id)).map((e) => [e.seq, e]));
const cloudDown = { kind: 'respond', status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'dependency_down', message: 'db down' } }) } as const;

const addTx = (n: number) => {
  for (let i = 0; i < n; i++) insertTransaction(db, clock, newId(), quote(100, { flat_cents: 0, bps: 0 }));
};
const client = () => k.client;
const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('outbox pusher', () => {
  it('sends every unsent event in seq order and marks them sent', async () => {
    addTx(3);
    const pusher = createOutboxPusher({ db, clock, log, client: client() });
    await pusher.kick();
    expect([...(await stored()).keys()]).toEqual([1, 2, 3]);
    expect(listUnsent(db, 10)).toEqual([]);
    pusher.stop();
  });

  it('marks rows sent only up to the high_seq the cloud answers', async () => {
    addTx(3);
    rc.proxy.hooks = { answer: () => ({ kind: 'respond', status: 200, headers: { 'content-type': 'application/json' }, body: '{"high_seq":2}' }) };
    const { timers } = manualTimers();
    const pusher = createOutboxPusher({ db, clock, log, client: client(), timers });
    await pusher.kick();
    expect(getOutboxRow(db, 2)?.sent_at).not.toBeNull();
    expect(getOutboxRow(db, 3)?.sent_at).toBeNull();
    expect(listUnsent(db, 10).map((r) => r.seq)).toEqual([3]);
    pusher.stop();
  });

  it('backs off with full jitter on a 5xx and on a dead network, then succeeds and resets', async () => {
    addTx(2);
    rc.proxy.hooks = { request: () => cloudDown };
    const t = manualTimers();
    const pusher = createOutboxPusher({ db, clock, log, client: client(), timers: t.timers, random: () => 0.5 });
    await pusher.kick();
    expect(t.pending.map((p) => p.ms)).toEqual([500]); // 0.5 × 1 s
    t.fire();
    await waitFor(() => t.pending.length === 1);
    expect(t.pending[0]!.ms).toBe(1000); // 0.5 × 2 s
    const dead = createOutboxPusher({ db, clock, log, client: createCloudClient({ baseUrl: 'http://127.0.0.1:1', token: () => 'x'.repeat(40), timeoutMs: 500 }), timers: t.timers, random: () => 1 });
    await dead.kick();
    expect(t.pending.at(-1)!.ms).toBe(1000);
    dead.stop();
    rc.proxy.hooks = {};
    t.fire();
    await waitFor(() => listUnsent(db, 10).length === 0);
    expect((await stored()).size).toBe(2);
    pusher.stop();
  });

  it('quarantines the one event the cloud refuses and sends the rest', async () => {
    addTx(3);
    const bad = getOutboxRow(db, 2)!.event_id;
    // The cloud refuses any batch that carries this event (not its tombstone) as malformed.
    rc.proxy.hooks = {
      request: (ex) => {
        const events = (JSON.parse(ex.text) as { events: { id: string; type: string }[] }).events;
        if (!events.some((e) => e.id === bad && e.type !== 'outbox.quarantined')) return;
        return { kind: 'respond', status: 422, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":"malformed","message":"bad event"}}' };
      },
    };
    const pusher = createOutboxPusher({ db, clock, log, client: client(), timers: manualTimers().timers });
    await pusher.kick();
    expect(getOutboxRow(db, 2)?.quarantined_reason).toMatch(/malformed/);
    expect(getOutboxRow(db, 1)?.sent_at).not.toBeNull();
    expect(getOutboxRow(db, 3)?.sent_at).not.toBeNull();
    expect((await stored()).get(2)).toMatchObject({ id: bad, type: 'outbox.quarantined', payload: { original_type: 'transaction.created' } });
    expect(pusher.status()).toMatchObject({ outbox_depth: 0, quarantined: 1 });
    pusher.stop();
  });

  it('bounds every batch by event count and by bytes', async () => {
    addTx(7);
    for (let i = 0; i < 3; i++) appendOutbox(db, clock, 'admin.action', { action: 'big', detail: { blob: 'z'.repeat(3000) } });
    const syncs: string[] = [];
    rc.proxy.hooks = { request: (ex) => void (ex.path === '/v1/sync' && syncs.push(ex.text)) };
    const pusher = createOutboxPusher({ db, clock, log, client: client(), batch: { maxEvents: 3, maxBytes: 4000 } });
    await pusher.kick();
    const sizes = syncs.map((text) => (JSON.parse(text) as { events: unknown[] }).events.length);
    expect(sizes).toEqual([3, 3, 2, 1, 1]); // the 7th event and one 3 KB event fit in 4000 bytes together
    const bodies = syncs.map((text) => Buffer.byteLength(text));
    expect(Math.max(...bodies)).toBeLessThanOrEqual(4000);
    expect(listUnsent(db, 20)).toEqual([]);
    pusher.stop();
  });

  it('answers sync now with the status after the push, and skips a pending backoff wait', async () => {
    addTx(2);
    rc.proxy.hooks = { request: () => cloudDown };
    const t = manualTimers();
    const pusher = createOutboxPusher({ db, clock, log, client: client(), timers: t.timers });
    await pusher.kick();
    expect(pusher.status()).toMatchObject({ outbox_depth: 2, failures: 1, last_success_at: null });
    expect(t.pending).toHaveLength(1);
    rc.proxy.hooks = {};
    clock.advance(1000);
    const status = await pusher.syncNow();
    expect(status).toEqual({
      outbox_depth: 0,
      oldest_unsynced_at: null,
      last_success_at: clock.now().toISOString(),
      quarantined: 0,
      gaps_repaired: 0,
      failures: 0,
    });
    expect(t.pending).toHaveLength(0);
    pusher.stop();
  });
});
