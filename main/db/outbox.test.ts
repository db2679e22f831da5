import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, newId } from '../../contract/clock';
import { quote } from '../../contract/money';
import { openKioskDb } from './open-db';
import { appendOutbox, getOutboxRow, listUnsent, markSentUpTo, outboxCounts, pruneSent, quarantine, toSyncEvent } from './outbox';
import { repairGap } from './outbox-gaps';
import { getTransaction, insertTransaction, setTransactionStatus } from './transactions';
import { eventsForTransaction } from './events';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'kiosk-outbox-')), 'kiosk.sqlite');
const fee = { flat_cents: 0, bps: 0 };

describe('outbox', () => {
  it('writes a transaction, its audit event and its outbox row together', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock();
    const id = newId();
    insertTransaction(db, clock, id, quote(500, fee));
    expect(getTransaction(db, id)?.status).toBe('created');
    expect(eventsForTransaction(db, id).map((e) => e.type)).toEqual(['transaction.created']);
    const [row] = listUnsent(db, 10);
    expect(toSyncEvent(row!)).toMatchObject({ seq: 1, type: 'transaction.created', payload: { transaction_id: id, coins: 20 } });
    db.close();
  });

  it('leaves neither the change nor its outbox row when the transaction throws midway', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock();
    const id = newId();
    insertTransaction(db, clock, id, quote(500, fee));
    const before = db.prepare('SELECT count(*) FROM outbox').pluck().get();
    expect(() =>
      db.transaction(() => {
        setTransactionStatus(db, clock, id, { status: 'verified' });
        throw new Error('power cut between the change and the commit');
      })(),
    ).toThrow(/power cut/);
    expect(getTransaction(db, id)?.status).toBe('created');
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(before);
    expect(eventsForTransaction(db, id)).toHaveLength(1);
    db.close();
  });

  it('refuses an outbox payload that does not match the contract, writing nothing', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock();
    expect(() => appendOutbox(db, clock, 'job.received', { job_id: 'not-a-uuid', transaction_id: newId(), coins: 1 })).toThrow();
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    db.close();
  });

  it('never reuses a seq after sent rows are pruned and the file is reopened', () => {
    const path = tmpDb();
    const clock = new ManualClock();
    let db = openKioskDb(path);
    for (let i = 0; i < 3; i++) insertTransaction(db, clock, newId(), quote(100, fee));
    expect(markSentUpTo(db, clock, 3)).toBe(3);
    expect(pruneSent(db)).toBe(3);
    db.close();
    db = openKioskDb(path);
    insertTransaction(db, clock, newId(), quote(100, fee));
    expect(listUnsent(db, 10).map((r) => r.seq)).toEqual([4]);
    db.close();
  });

  it('sends a quarantined row as a tombstone for the same seq and event id, keeping the row', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock();
    for (let i = 0; i < 3; i++) insertTransaction(db, clock, newId(), quote(100, fee));
    quarantine(db, 2, 'malformed: refused by the cloud');
    const rows = listUnsent(db, 10);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(toSyncEvent(rows[1]!)).toEqual({
      seq: 2,
      id: rows[1]!.event_id,
      occurred_at: rows[1]!.occurred_at,
      type: 'outbox.quarantined',
      payload: { original_type: 'transaction.created', reason: 'malformed: refused by the cloud' },
    });
    markSentUpTo(db, clock, 3);
    expect(pruneSent(db)).toBe(2);
    expect(getOutboxRow(db, 2)).toMatchObject({ type: 'transaction.created', quarantined_reason: 'malformed: refused by the cloud' });
    expect(outboxCounts(db)).toEqual({ outbox_depth: 0, oldest_unsynced_at: null, quarantined: 1 });
    db.close();
  });

  it('prunes synced rows only after the retention age and never an unsynced row', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    for (let i = 0; i < 4; i++) insertTransaction(db, clock, newId(), quote(100, fee));
    markSentUpTo(db, clock, 2);
    clock.advance(10 * 86_400_000);
    markSentUpTo(db, clock, 3);
    const sevenDaysAgo = new Date(clock.now().getTime() - 7 * 86_400_000);
    expect(pruneSent(db, sevenDaysAgo)).toBe(2);
    expect(db.prepare('SELECT seq FROM outbox ORDER BY seq').pluck().all()).toEqual([3, 4]);
    expect(pruneSent(db, new Date(clock.now().getTime() + 1))).toBe(1);
    expect(db.prepare('SELECT seq FROM outbox ORDER BY seq').pluck().all()).toEqual([4]);
    expect(outboxCounts(db)).toMatchObject({ outbox_depth: 1, oldest_unsynced_at: '2026-01-01T00:00:00.000Z' });
    db.close();
  });

  it('repairs a gap: sent rows still here are sent again, pruned ones become tombstones for their seq', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock();
    for (let i = 0; i < 5; i++) insertTransaction(db, clock, newId(), quote(100, fee));
    markSentUpTo(db, clock, 4);
    db.prepare('DELETE FROM outbox WHERE seq IN (1, 2)').run();
    expect(repairGap(db, clock, 1, 4)).toEqual({ from: 1, to: 4, resent: 2, filled: 2 });
    const wire = listUnsent(db, 10).map((r) => toSyncEvent(r));
    expect(wire.map((e) => [e.seq, e.type])).toEqual([
      [1, 'outbox.quarantined'],
      [2, 'outbox.quarantined'],
      [3, 'transaction.created'],
      [4, 'transaction.created'],
      [5, 'transaction.created'],
    ]);
    insertTransaction(db, clock, newId(), quote(100, fee));
    expect(listUnsent(db, 10).at(-1)?.seq).toBe(6);
    db.close();
  });
});
