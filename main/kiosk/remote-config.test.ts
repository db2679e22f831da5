import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { listUnsent, toSyncEvent } from '../db/outbox';
import { openKioskDb } from '../db/open-db';
import { createRemoteConfigHolder } from './remote-config';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'kiosk-remote-')), 'kiosk.sqlite');

/** Issue 17: the operator's remote config waits for idle, is applied once per version, reported, and survives a restart. */
describe('remote config on the kiosk', () => {
  it('waits while a customer or admin session is open, then applies the newest version once and reports it', () => {
    const path = tmpDb();
    const db = openKioskDb(path);
    let idle = false;
    const applied: number[] = [];
    const make = () =>
      createRemoteConfigHolder({ db, clock: new ManualClock(), log: pino({ level: 'silent' }), idle: () => idle, onApplied: (c) => applied.push(c.version), onWrite: () => undefined });
    const holder = make();
    holder.receive({ version: 1, in_service: false, reason: 'cleaning', overrides: {} });
    holder.receive({ version: 2, in_service: false, reason: 'cleaning', overrides: { fee: { flat_cents: 50, bps: 0 } } });
    expect(holder.applied()).toBeNull();
    expect(listUnsent(db, 10)).toHaveLength(0);
    idle = true;
    expect(holder.tryApply()).toBe(true);
    expect(holder.tryApply()).toBe(false);
    holder.receive({ version: 1, in_service: true, reason: null, overrides: {} }); // an older answer arriving late changes nothing
    expect(holder.applied()).toMatchObject({ version: 2, in_service: false });
    expect(applied).toEqual([2]);
    expect(listUnsent(db, 10).map((r) => toSyncEvent(r))).toMatchObject([
      { type: 'config.applied', payload: { version: 2, in_service: false, overrides: { fee: { flat_cents: 50, bps: 0 } } } },
    ]);
    expect(make().applied()).toMatchObject({ version: 2 });
    db.close();
  });
});
