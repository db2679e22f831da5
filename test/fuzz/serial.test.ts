import { describe, expect, it } from 'vitest';
import { describeViolation } from './report';
import { Rng } from './rng';
import { fuzzSerial } from './serial';
import { MutatingLine } from './serial-line';
import { VITEST_SEED } from './vitest-seed';

describe('serial line fuzzer', () => {
  it('mutates replies as asked: a bit flip changes one bit, a duplicate sends the reply twice', async () => {
    const reply = Buffer.from([1, 1, 3, 0, 7, 244]);
    const flips = new MutatingLine(new Rng(1), 1, ['bit_flip']);
    const out: Buffer[] = [];
    flips.fromDevice(reply, (b) => out.push(b));
    const diff = out[0]!.reduce((bits, b, i) => bits + [...(b ^ reply[i]!).toString(2)].filter((c) => c === '1').length, 0);
    expect(diff).toBe(1);
    const dup = new MutatingLine(new Rng(1), 1, ['duplicate']);
    const twice: Buffer[] = [];
    dup.fromDevice(reply, (b) => twice.push(b));
    await new Promise((r) => setTimeout(r, 60));
    expect(twice).toEqual([reply, reply]);
  });

  it('pays exactly what the hopper paid and sends no unasked 167 under mutated replies (binding-mock)', async () => {
    const r = await fuzzSerial({ seed: VITEST_SEED, cases: 12, line: 'mock' });
    console.log(`serial seed ${r.seed}: ${r.cases} cases, ${r.payouts as number} payouts, ${r.violations.length} violations`);
    expect(r.payouts).toBeGreaterThanOrEqual(12);
    expect(r.violations.map((v) => describeViolation(r.fuzzer, r.seed, v))).toEqual([]);
  }, 120_000); // the driver waits out stale replies (STALE_REPLY_MS) before believing a lower count

  it('holds the same invariants on a real pty (socat)', async () => {
    const r = await fuzzSerial({ seed: VITEST_SEED, cases: 4, line: 'pty' });
    expect(r.violations.map((v) => describeViolation(r.fuzzer, r.seed, v))).toEqual([]);
  }, 120_000); // the driver waits out stale replies (STALE_REPLY_MS) before believing a lower count
});
