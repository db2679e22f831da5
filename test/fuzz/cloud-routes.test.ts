import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../../cloud-api/src/testing/test-db';
import { createCloudFixture } from './cloud-fixture';
import { fuzzCloudRoutes, routeKeys } from './cloud-routes';
import { ROUTE_SPECS } from './cloud-routes-spec';
import { describeViolation } from './report';
import { VITEST_SEED } from './vitest-seed';

describe('cloud route fuzzer', () => {
  it('has a generator for every route the cloud serves, and fails for a route without one', async () => {
    const f = await createCloudFixture('pglite');
    try {
      expect(routeKeys(f)).toContain('POST /v1/sync');
      const spec = ROUTE_SPECS['POST /v1/sync']!;
      delete ROUTE_SPECS['POST /v1/sync'];
      try {
        expect(() => routeKeys(f)).toThrow(/without a fuzz generator.*POST \/v1\/sync/);
      } finally {
        ROUTE_SPECS['POST /v1/sync'] = spec;
      }
    } finally {
      await f.dispose();
    }
  });

  it.each(BACKENDS)('answers 300 mutated requests with no 5xx, no hang and no state change (%s)', async (backend) => {
    const r = await fuzzCloudRoutes({ seed: VITEST_SEED, cases: 300, backend });
    console.log(`cloud_routes (${backend}) seed ${r.seed}: ${r.cases} cases, ${r.violations.length} violations`);
    expect(r.cases).toBeGreaterThanOrEqual(290);
    expect(Object.keys(r.by_route as object).length).toBe(Object.keys(ROUTE_SPECS).length);
    expect(r.violations.map((v) => describeViolation(r.fuzzer, r.seed, v))).toEqual([]);
  }, 120_000);
});
