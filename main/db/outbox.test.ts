import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, newId } from '../../contract/clock';
import { quote } from '../../contract/money';
import { openKioskDb } from './open-db';
import { appendOutbox, listUnsent, markSentUpTo, pruneSent, quarantine, toSyncEvent } from './outbox';
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

  it('skips quarantined rows and never marks them sent', () => {
    const db = openKioskDb(tmpDb());
    const clock = new ManualClock();
    for (let i = 0; i < 3; i++) insertTransaction(db, clock, newId(), quote(100, fee));
    quarantine(db, 2, 'refused: malformed');
    expect(listUnsent(db, 10).map((r) => r.seq)).toEqual([1, 3]);
    markSentUpTo(db, clock, 3);
    expect(db.prepare('SELECT sent_at FROM outbox WHERE seq = 2').pluck().get()).toBeNull();
    db.close();
  });
});
