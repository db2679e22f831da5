import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId, systemClock } from '../../contract/clock';
import { quote } from '../../contract/money';
import type { FaultPlan } from '../support/proxy/proxy';
import { appendOutbox, getOutboxRow, outboxCounts, pruneSent } from '../../main/db/outbox';
import { insertTransaction } from '../../main/db/transactions';
import type { Timers } from '../../main/sync/backoff';
import { createOutboxPusher, type OutboxPusher } from '../../main/sync/outbox-pusher';
import { BACKENDS } from '../../cloud-api/src/testing/test-db';
import { cloudEvents, kioskWire, silent, startRealCloud, waitUntil, type RealCloud, type TestKiosk } from '../support/real-cloud';

/**
 * Issue 4 "Done when": the REAL cloud behind the test proxy, the REAL pusher over undici. After every
 * scenario the cloud's kiosk_events equal the kiosk's outbox (same seqs, event ids and payloads), with
 * no duplicate and no loss.
 */
const fee = { flat_cents: 0, bps: 0 };

function writeEvents(k: TestKiosk, n: number): void {
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) insertTransaction(k.db, systemClock, newId(), quote(100 + 25 * (i % 7), fee));
    else appendOutbox(k.db, systemClock, 'admin.action', { action: 'test.event', detail: { i, note: 'x'.repeat(i % 50) } });
  }
}

function pusherFor(k: TestKiosk, o: { maxEvents?: number; timers?: Timers } = {}): OutboxPusher {
  return createOutboxPusher({
    db: k.db,
    clock: systemClock,
    log: silent,
    client: k.client,
    backoff: { baseMs: 5, capMs: 40 },
    batch: { maxEvents: o.maxEvents ?? 10 },
    ...(o.timers ? { timers: o.timers } : {}),
  });
}

async function expectSame(rc: RealCloud, k: TestKiosk): Promise<void> {
  const cloud = await cloudEvents(rc, k.id);
  const kiosk = kioskWire(k.db);
  expect(cloud).toEqual(kiosk);
  expect(new Set(cloud.map((e) => e.id)).size).toBe(cloud.length);
  expect(cloud.map((e) => e.seq)).toEqual(Array.from({ length: cloud.length }, (_, i) => i + 1));
}

async function drainThrough(rc: RealCloud, plan: FaultPlan, events = 40, timeoutMs = 2000): Promise<{ k: TestKiosk; requests: number }> {
  const k = await rc.kiosk('kiosk', { timeoutMs });
  writeEvents(k, events);
  rc.proxy.setFaults(plan);
  const before = rc.proxy.stats().requests;
  const pusher = pusherFor(k);
  void pusher.kick();
  await waitUntil(() => pusher.status().outbox_depth === 0, 'the outbox to drain', 20_000);
  pusher.stop();
  rc.proxy.clearFaults();
  await expectSame(rc, k);
  return { k, requests: rc.proxy.stats().requests - before };
}

describe.each(BACKENDS)('outbox through a faulty network to the real cloud (%s)', (backend) => {
  let rc: RealCloud;
  beforeAll(async () => {
    rc = await startRealCloud(backend);
  });
  afterAll(async () => {
    await rc.close();
  });

  const SYNC = 'POST /v1/sync';
  it('loses nothing when connections are dropped before the cloud sees the request', async () => {
    const { requests } = await drainThrough(rc, { seed: 1, rules: [{ match: SYNC, fault: { kind: 'drop_connection' }, probability: 0.5 }] });
    expect(requests).toBeGreaterThan(4);
  });

  it('loses nothing through delayed requests and responses', async () => {
    await drainThrough(rc, {
      rules: [
        { match: SYNC, fault: { kind: 'delay_ms', ms: 40, phase: 'request' }, times: 2 },
        { match: SYNC, fault: { kind: 'delay_ms', ms: 40, phase: 'response' }, times: 2 },
      ],
    });
  });

  it('loses nothing when connections are reset in the middle of the request body', async () => {
    const { requests } = await drainThrough(rc, { seed: 2, rules: [{ match: SYNC, fault: { kind: 'reset_mid_request_body' }, probability: 0.5 }] });
    expect(requests).toBeGreaterThan(4);
  });

  it('stores each event once when responses are lost after the cloud committed', async () => {
    const { requests } = await drainThrough(rc, { seed: 3, rules: [{ match: SYNC, fault: { kind: 'lose_response' }, probability: 0.5 }] });
    expect(requests).toBeGreaterThan(4);
  });

  it('stores each event once when requests are duplicated, one after the other or at the same time', async () => {
    await drainThrough(rc, {
      seed: 4,
      rules: [
        { match: SYNC, fault: { kind: 'duplicate_request', order: 'concurrent' }, probability: 0.5 },
        { match: SYNC, fault: { kind: 'duplicate_request', order: 'after' } },
      ],
    });
  });

  it('keeps retrying through cloud 5xx answers and unanswered requests', async () => {
    await drainThrough(rc, {
      seed: 5,
      rules: [
        { match: SYNC, fault: { kind: 'respond_5xx', status: 503 }, probability: 0.4 },
        { match: SYNC, fault: { kind: 'blackhole' }, times: 1 },
      ],
    }, 40, 150);
  });

  it('loses nothing and duplicates nothing under a random mix of every fault', async () => {
    const kinds = [
      { kind: 'drop_connection' },
      { kind: 'reset_mid_request_body' },
      { kind: 'lose_response' },
      { kind: 'duplicate_request', order: 'concurrent' },
      { kind: 'respond_5xx', status: 500 },
      { kind: 'delay_ms', ms: 5, phase: 'response' },
    ] as const;
    await drainThrough(rc, { seed: 6, rules: kinds.map((fault) => ({ match: SYNC, fault, probability: 0.15 })) }, 120);
  });

  it('quarantines an event the real cloud refuses, sends its tombstone for the seq, and moves on', async () => {
    const k = await rc.kiosk();
    writeEvents(k, 5);
    // 70 KB of detail: over the cloud's 64 KiB body limit even alone, so it is refused with 413.
    const big = appendOutbox(k.db, systemClock, 'admin.action', { action: 'huge', detail: { blob: 'y'.repeat(70_000) } });
    writeEvents(k, 5);
    // A row an older version wrote that no longer matches the contract.
    k.db.prepare("INSERT INTO outbox (event_id, type, payload, occurred_at) VALUES (?, 'kiosk.heartbeat', '{\"old\":1}', ?)").run(newId(), new Date().toISOString());
    writeEvents(k, 3);
    const pusher = pusherFor(k, { maxEvents: 4 });
    await pusher.syncNow();
    await waitUntil(() => pusher.status().outbox_depth === 0, 'the outbox to drain');
    pusher.stop();
    expect(getOutboxRow(k.db, big)?.quarantined_reason).toMatch(/too_large|413/);
    expect(pusher.status()).toMatchObject({ outbox_depth: 0, quarantined: 2 });
    await expectSame(rc, k);
    const { rows } = await rc.cloud.db.query<{ seq: number; flagged: string }>(
      'SELECT seq, flagged FROM kiosk_events WHERE kiosk_id = $1 AND flagged IS NOT NULL ORDER BY seq',
      [k.id],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual([big, 12]);
    expect(rows[0]?.flagged).toMatch(/^quarantined_by_kiosk: admin.action: /);
    expect(rows[1]?.flagged).toMatch(/^quarantined_by_kiosk: kiosk.heartbeat: unreadable/);
  });

  it('refills a gap when the cloud lost events the kiosk had marked sent, tombstoning the pruned ones', async () => {
    const k = await rc.kiosk();
    writeEvents(k, 6);
    const pusher = pusherFor(k);
    await pusher.syncNow();
    pruneSent(k.db); // seqs 1..6 are gone from the kiosk
    writeEvents(k, 4);
    await pusher.syncNow(); // 7..10 pushed
    // The cloud is restored from a backup taken after seq 3: it lost 4..10.
    await rc.cloud.db.query('DELETE FROM kiosk_events WHERE kiosk_id = $1 AND seq > 3', [k.id]);
    await rc.cloud.db.query('UPDATE kiosk_sync_state SET high_seq = 3 WHERE kiosk_id = $1', [k.id]);
    writeEvents(k, 2);
    const status = await pusher.syncNow();
    pusher.stop();
    expect(status).toMatchObject({ outbox_depth: 0, gaps_repaired: 1 });
    const cloud = await cloudEvents(rc, k.id);
    expect(cloud.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(cloud.slice(3, 6).map((e) => e.type)).toEqual(['outbox.quarantined', 'outbox.quarantined', 'outbox.quarantined']);
    const kiosk = kioskWire(k.db);
    expect(cloud.slice(3)).toEqual(kiosk);
  });

  it('accepts events written across kiosk clock jumps of ±24 h, in seq order, keeping both times', async () => {
    const k = await rc.kiosk();
    const clock = new ManualClock(Date.now());
    const times: string[] = [];
    for (const jump of [0, 24, -48, 24, -24, 48]) {
      clock.advance(jump * 3_600_000);
      appendOutbox(k.db, clock, 'admin.action', { action: 'clock.test' });
      times.push(clock.now().toISOString());
    }
    const pusher = pusherFor(k, { maxEvents: 2 });
    await pusher.syncNow();
    pusher.stop();
    await expectSame(rc, k);
    const { rows } = await rc.cloud.db.query<{ seq: number; occurred_at: Date; received_at: Date }>(
      'SELECT seq, occurred_at, received_at FROM kiosk_events WHERE kiosk_id = $1 ORDER BY seq',
      [k.id],
    );
    expect(rows.map((r) => new Date(r.occurred_at).toISOString())).toEqual(times);
    for (const r of rows) expect(Math.abs(new Date(r.received_at).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('waits out a long cloud outage with capped backoff and no attempt limit, then drains everything', async () => {
    const k = await rc.kiosk();
    writeEvents(k, 25);
    rc.proxy.setFaults({ rules: [{ fault: { kind: 'refuse' } }] });
    const delays: number[] = [];
    let fire: (() => void) | null = null;
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        fire = fn;
        return fn;
      },
      clearTimeout: () => undefined,
    };
    const pusher = createOutboxPusher({ db: k.db, clock: systemClock, log: silent, client: k.client, timers, random: () => 1 });
    await pusher.kick();
    // Six simulated hours: every retry timer fires at once; the cloud stays down.
    while (delays.reduce((a, b) => a + b, 0) < 6 * 3_600_000) {
      const f = fire as (() => void) | null;
      fire = null;
      f?.();
      await waitUntil(() => fire !== null, 'the next retry to be scheduled');
    }
    expect(Math.max(...delays)).toBe(300_000);
    expect(pusher.status()).toMatchObject({ outbox_depth: 25, last_success_at: null });
    expect(pusher.status().failures).toBeGreaterThan(70); // no attempt limit
    rc.proxy.clearFaults();
    const status = await pusher.syncNow();
    pusher.stop();
    expect(status).toMatchObject({ outbox_depth: 0, failures: 0, oldest_unsynced_at: null });
    expect(outboxCounts(k.db).outbox_depth).toBe(0);
    await expectSame(rc, k);
  });
});
