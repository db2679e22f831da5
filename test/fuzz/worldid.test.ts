import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../../cloud-api/src/testing/test-db';
import { describeViolation } from './report';
import { VITEST_SEED } from './vitest-seed';
import { fuzzWorldId } from './worldid';

describe('World ID result fuzzer', () => {
  it.each(BACKENDS)('refuses every mutated IDKit result with a 4xx and changes nothing (%s)', async (backend) => {
    const r = await fuzzWorldId({ seed: VITEST_SEED, cases: 150, backend });
    console.log(`worldid_results (${backend}) seed ${r.seed}: ${r.cases} cases, ${r.violations.length} violations`);
    expect((r.by_shape as Record<string, number>)['3.0']).toBeGreaterThan(0);
    expect(r.violations.map((v) => describeViolation(r.fuzzer, r.seed, v))).toEqual([]);
  }, 120_000);
});
