import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router';

describe('console routes (hash)', () => {
  it('parses each page, ids and search filters', () => {
    expect(parseRoute('')).toEqual({ page: 'fleet' });
    expect(parseRoute('#/kiosks/abc')).toEqual({ page: 'kiosk', id: 'abc' });
    expect(parseRoute('#/transactions?receipt_code=3FA9&status=completed')).toEqual({ page: 'transactions', query: { receipt_code: '3FA9', status: 'completed' } });
    expect(parseRoute('#/transactions/t1')).toEqual({ page: 'transaction', id: 't1' });
    for (const p of ['attention', 'credits', 'webhooks', 'audit', 'operators', 'account'] as const) expect(parseRoute(`#/${p}`)).toEqual({ page: p });
    expect(parseRoute('#/reconciliation?from=2026-12-01')).toEqual({ page: 'reconciliation', query: { from: '2026-12-01' } });
    expect(parseRoute('#/nope/a/b')).toEqual({ page: 'not_found', path: '/nope/a/b' });
  });

  it('builds links with only the filters that are set', () => {
    expect(href('/transactions', { receipt_code: '3FA9', status: undefined, kiosk_id: '' })).toBe('#/transactions?receipt_code=3FA9');
    expect(href('/fleet')).toBe('#/fleet');
  });
});
