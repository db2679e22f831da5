import { describe, expect, it } from 'vitest';
import { FaultSelector, matchesRequest, type FaultPlan } from './fault-plan';

describe('matchesRequest', () => {
  it('matches by method and whole path segments, ignoring the query', () => {
    expect(matchesRequest('POST /v1/sync', 'POST', '/v1/sync')).toBe(true);
    expect(matchesRequest('POST /v1/sync', 'POST', '/v1/sync?x=1')).toBe(true);
    expect(matchesRequest('POST /v1/sync', 'POST', '/v1/sync/batch')).toBe(true);
    expect(matchesRequest('POST /v1/sync', 'GET', '/v1/sync')).toBe(false);
    expect(matchesRequest('POST /v1/sync', 'POST', '/v1/synchronise')).toBe(false);
    expect(matchesRequest('/v1/', 'GET', '/v1/jobs/next')).toBe(true);
    expect(matchesRequest('GET *', 'GET', '/anything')).toBe(true);
    expect(matchesRequest('*', 'DELETE', '/x')).toBe(true);
  });
});

describe('FaultSelector', () => {
  it('fires a "times" rule for exactly the next N matching requests', () => {
    const s = new FaultSelector(1);
    s.set({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'respond_5xx' }, times: 2 }] });
    const picks = ['POST', 'GET', 'POST', 'POST'].map((m) => s.pickForRequest(m, '/v1/sync')?.kind ?? null);
    expect(picks).toEqual(['respond_5xx', null, 'respond_5xx', null]);
  });

  it('replays the same choices from the same seed and varies them with probability', () => {
    const plan: FaultPlan = { rules: [{ match: '/v1/sync', fault: { kind: 'drop_connection' }, probability: 0.5 }] };
    const run = (seed: number) => {
      const s = new FaultSelector(seed);
      s.set(plan);
      return Array.from({ length: 40 }, () => s.pickForRequest('POST', '/v1/sync') !== null);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const hits = run(7).filter(Boolean).length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(35);
  });

  it('does not draw from the PRNG for requests no rule matches', () => {
    const plan: FaultPlan = { seed: 3, rules: [{ match: '/v1/sync', fault: { kind: 'blackhole' }, probability: 0.5 }] };
    const a = new FaultSelector(0);
    const b = new FaultSelector(0);
    a.set(plan);
    b.set(plan);
    const pa = Array.from({ length: 20 }, () => a.pickForRequest('POST', '/v1/sync') !== null);
    const pb = Array.from({ length: 20 }, () => (b.pickForRequest('GET', '/healthz'), b.pickForRequest('POST', '/v1/sync') !== null));
    expect(pa).toEqual(pb);
  });

  it('refuses new connections only for a refuse rule that matches everything', () => {
    const s = new FaultSelector(1);
    s.set({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'refuse' } }] });
    expect(s.pickForConnection()).toBeNull();
    s.set({ rules: [{ fault: { kind: 'refuse' }, times: 1 }] });
    expect(s.pickForConnection()?.kind).toBe('refuse');
    expect(s.pickForConnection()).toBeNull();
  });

  it('takes the first rule that applies and forgets the plan on clear', () => {
    const s = new FaultSelector(1);
    s.set({
      rules: [
        { match: 'POST /v1/sync', fault: { kind: 'lose_response' }, times: 1 },
        { fault: { kind: 'delay_ms', ms: 10 } },
      ],
    });
    expect(s.pickForRequest('POST', '/v1/sync')?.kind).toBe('lose_response');
    expect(s.pickForRequest('POST', '/v1/sync')).toEqual({ kind: 'delay_ms', ms: 10, phase: 'request' });
    s.clear();
    expect(s.pickForRequest('POST', '/v1/sync')).toBeNull();
  });

  it('rejects a malformed plan naming the bad field', () => {
    const s = new FaultSelector(1);
    expect(() => s.set({ rules: [{ match: 'post sync', fault: { kind: 'blackhole' } }] })).toThrow(/match|path/);
    expect(() => s.set({ rules: [{ fault: { kind: 'respond_5xx', status: 404 } }] })).toThrow();
    expect(() => s.set({ rules: [{ fault: { kind: 'blackhole' }, probability: 2 }] })).toThrow();
  });
});
