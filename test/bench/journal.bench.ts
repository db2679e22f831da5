import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../contract/clock';
import { openKioskDb } from '../../main/db/open-db';
import { PayoutJournal } from '../../main/hardware/payout-journal';
import { emit, percentile, round } from './figure';

/**
 * journal_write_p99_ms: time to make a payout intent durable (synchronous=FULL, WAL) before the
 * dispense command may go on the wire. Baseline: the same write with synchronous=OFF (not durable).
 */
const N = 2000;

function measure(synchronous: 'FULL' | 'OFF'): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
  const db = openKioskDb(join(dir, 'kiosk.sqlite'));
  db.pragma(`synchronous = ${synchronous}`);
  const journal = new PayoutJournal(db, systemClock);
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    journal.recordIntent({ jobId: `bench-${i}`, hopperSerial: 345678, eventCounter: i % 256, dispenseCount: i, coins: 20 });
    samples.push(performance.now() - t0);
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return samples;
}

const off = measure('OFF');
const full = measure('FULL');
emit({
  name: 'journal_write_p99_ms',
  value: round(percentile(full, 99)),
  unit: 'ms',
  baseline: { name: 'journal_write_p99_ms_synchronous_off', value: round(percentile(off, 99)) },
  detail: { writes: N, p50_ms: round(percentile(full, 50)) },
});
