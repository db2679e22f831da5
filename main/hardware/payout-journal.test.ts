import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { openKioskDb } from '../db/open-db';
import { PayoutJournal } from './payout-journal';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function journalAt(file?: string) {
  const path = file ?? join(mkdtempSync(join(tmpdir(), 'journal-')), 'kiosk.db');
  if (!file) dirs.push(join(path, '..'));
  const db = openKioskDb(path);
  return { path, db, journal: new PayoutJournal(db, new ManualClock()) };
}

const intent = { jobId: 'job-1', hopperSerial: 345678, eventCounter: 7, dispenseCount: 1234, coins: 20 };

describe('PayoutJournal', () => {
  it('keeps an intent on disk so a reopened database sees it open', () => {
    const { path, db, journal } = journalAt();
    const id = journal.recordIntent(intent);
    db.close();
    const reopened = journalAt(path);
    expect(reopened.journal.openIntents()).toEqual([expect.objectContaining({ id, ...intent })]);
    reopened.db.close();
  });

  it('settles an intent once and labels it paid, partial or unpaid', () => {
    const { journal } = journalAt();
    const labels = [20, 7, 0].map((coinsPaid, i) => {
      const id = journal.recordIntent({ ...intent, jobId: `job-${i}` });
      journal.recordOutcome(id, { coinsPaid, eventCounterAfter: 8, settledBy: 'reply' });
      return journal.intent(id)?.outcome;
    });
    expect(labels).toEqual(['paid', 'partial', 'unpaid']);
    expect(journal.openIntents()).toEqual([]);
    expect(journal.coinsPaidTotal()).toBe(27);
  });

  it('refuses to settle an intent twice or with more coins than asked', () => {
    const { journal } = journalAt();
    const id = journal.recordIntent(intent);
    expect(() => journal.recordOutcome(id, { coinsPaid: 21, eventCounterAfter: 8, settledBy: 'reply' })).toThrow(/asked for 20/);
    journal.recordOutcome(id, { coinsPaid: 20, eventCounterAfter: 8, settledBy: 'reply' });
    expect(() => journal.recordOutcome(id, { coinsPaid: 20, eventCounterAfter: 8, settledBy: 'status' })).toThrow(/already settled/);
    expect(() => journal.recordOutcome('nope', { coinsPaid: 0, eventCounterAfter: null, settledBy: 'startup' })).toThrow(/no payout intent/);
  });

  it('rejects an intent with an event counter outside 0..255', () => {
    const { journal } = journalAt();
    expect(() => journal.recordIntent({ ...intent, eventCounter: 256 })).toThrow();
    expect(journal.openIntents()).toEqual([]);
  });

  it('lowers the inventory only by coins proven paid, never below zero', () => {
    const { journal } = journalAt();
    expect(journal.getInventory()).toBeNull();
    journal.setInventory(25);
    const id = journal.recordIntent(intent);
    expect(journal.getInventory()).toBe(25);
    journal.recordOutcome(id, { coinsPaid: 12, eventCounterAfter: 8, settledBy: 'status' });
    expect(journal.getInventory()).toBe(13);
    journal.decrementInventory(50);
    expect(journal.getInventory()).toBe(0);
  });
});
