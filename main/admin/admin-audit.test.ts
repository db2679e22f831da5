import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { PayoutJournal } from '../hardware/payout-journal';
import { recordAdminAction } from './admin-audit';
import { adminRows, tmpKioskDbFile } from './testing/tmp-db';

const file = tmpKioskDbFile();
const db = file.open();
afterEach(() => {
  db.exec("DELETE FROM events; DELETE FROM outbox; DELETE FROM hopper_inventory");
});
afterAll(() => {
  db.close();
  file.dispose();
});

describe('admin audit', () => {
  it('writes the change, the audit event and the admin.action outbox row together', () => {
    const clock = new ManualClock();
    const journal = new PayoutJournal(db, clock);
    recordAdminAction(db, clock, 'refill', { coins: 120, previous: null }, () => journal.setInventory(120));
    expect(journal.getInventory()).toBe(120);
    const rows = adminRows(db);
    expect(rows.events).toEqual([{ type: 'admin.refill', data: JSON.stringify({ coins: 120, previous: null }) }]);
    expect(rows.outbox.map((o) => JSON.parse(o.payload) as unknown)).toEqual([{ action: 'refill', detail: { coins: 120, previous: null } }]);
  });

  it('stores none of them when the change throws', () => {
    const clock = new ManualClock();
    const journal = new PayoutJournal(db, clock);
    expect(() => recordAdminAction(db, clock, 'refill', { coins: -1 }, () => journal.setInventory(-1))).toThrow();
    expect(journal.getInventory()).toBeNull();
    expect(adminRows(db)).toEqual({ events: [], outbox: [] });
  });

  it('stores none of them when the outbox row is refused, even after the change and the event ran', () => {
    const clock = new ManualClock();
    const journal = new PayoutJournal(db, clock);
    expect(() => recordAdminAction(db, clock, '', { coins: 5 }, () => journal.setInventory(5))).toThrow();
    expect(journal.getInventory()).toBeNull();
    expect(adminRows(db)).toEqual({ events: [], outbox: [] });
  });
});
