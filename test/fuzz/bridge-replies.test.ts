import { describe, expect, it } from 'vitest';
import { fuzzBridgeReplies } from './bridge-replies';
import { describeViolation } from './report';
import { VITEST_SEED } from './vitest-seed';

describe('bridge reply fuzzer (kiosk side)', () => {
  it('the kiosk resolves every mutated bridge reply in time with a clean code or a result the cloud judges right', async () => {
    const r = await fuzzBridgeReplies({ seed: VITEST_SEED, cases: 30, backend: 'pglite', timeoutMs: 400 });
    console.log(JSON.stringify({ ...r, violations: r.violations.length }));
    const outcomes = r.outcomes as Record<string, number>;
    // The pass reached every layer, and both kinds of result (else it proved nothing).
    expect(Object.keys(r.by_layer as object).sort()).toEqual(['crypto', 'envelope', 'http', 'plaintext']);
    expect(outcomes.result_genuine).toBeGreaterThan(0);
    expect(outcomes.result_mutated).toBeGreaterThan(0);
    expect(outcomes.error).toBeGreaterThan(0);
    expect(r.violations.map((v) => describeViolation(r.fuzzer, r.seed, v))).toEqual([]);
  }, 60_000);
});
