import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ConsoleApi } from '../api/client';
import type { OperatorRole } from '../api/schemas';
import { attention, audit, credit, kiosk, kioskDetail, KIOSK_ID, operator, tx, TX_ID } from '../test-support/fixtures';
import { SessionProvider } from '../ui/session';
import { AttentionList, consoleHrefFor } from './attention-page';
import { AuditTable } from './audit-page';
import { CreditsTable } from './credits-page';
import { FleetTable, kioskTone } from './fleet-page';
import { RemoteConfig, ServiceControl, toCents } from './kiosk-controls';
import { defaultRange, ReconTable } from './reconciliation-page';
import { apiFilters, csvHref, pickFilters } from './transactions-page';
import { TxTable } from './tx-table';
import { DeliveryLog } from './webhooks-page';

/** Server rendering runs no effects and makes no request: the api is never called. */
const api = {} as ConsoleApi;
const as = (role: OperatorRole, node: ReactNode) =>
  renderToStaticMarkup(<SessionProvider value={{ api, operator: operator(role), logout: () => undefined }}>{node}</SessionProvider>);
const NOW = Date.parse('2026-12-02T15:05:00.000Z');

describe('console pages with fixtures (issue 17)', () => {
  it('fleet: health, coins with the low state, version, last seen, out-of-service reason', () => {
    const html = renderToStaticMarkup(
      <FleetTable
        kiosks={[kiosk(), kiosk({ id: 'k2', name: 'Airport', health: 'out_of_service', out_of_service_reason: 'refill' }), kiosk({ id: 'k3', name: 'Mall', health: 'low_coins', low_coins: true, coins_available: 12 })]}
        now={NOW}
      />,
    );
    expect(html).toContain(`href="#/kiosks/${KIOSK_ID}"`);
    expect(html).toContain('out of service: refill');
    expect(html).toContain('low coins');
    expect(html).toContain('12<span class="visually-hidden"> (low)</span>');
    expect(html).toContain('5 min ago');
    expect(html).toContain('0.1.0');
    expect(kioskTone(kiosk({ health: 'silent' }))).toEqual({ tone: 'bad', text: 'silent' });
    // Taken out of service but not applied yet: the kiosk still serves until idle, and the badge says so.
    const going = kiosk({ health: 'out_of_service', out_of_service_reason: 'refill', desired_config_version: 2, applied_config_version: 1 });
    expect(kioskTone(going)).toEqual({ tone: 'warn', text: 'going out of service when idle: refill' });
    expect(kioskTone({ ...going, applied_config_version: null, desired_config_version: 1 }).text).toBe('going out of service when idle: refill');
    expect(kioskTone({ ...going, applied_config_version: 2 })).toEqual({ tone: 'bad', text: 'out of service: refill' });
    expect(renderToStaticMarkup(<FleetTable kiosks={[]} now={NOW} />)).toContain('No kiosks enrolled yet.');
  });

  it('transactions: receipt code links to the trail; each cell names its column for the phone layout', () => {
    const html = renderToStaticMarkup(<TxTable items={[tx()]} />);
    expect(html).toContain(`href="#/transactions/${TX_ID}"`);
    expect(html).toContain('3FA9-0C21');
    expect(html).toContain('$10.00');
    expect(html).toContain('40 / 40');
    expect(html).toContain('data-label="Amount"');
  });

  it('transactions search: filters from the URL, the CSV link carries the same search', () => {
    const f = pickFilters({ receipt_code: ' 3fa9-0c21 ', status: 'completed', junk: 'x', from: '2026-12-01' });
    expect(f).toEqual({ receipt_code: ' 3fa9-0c21 ', status: 'completed', from: '2026-12-01' });
    expect(apiFilters(f)).toMatchObject({ receipt_code: '3fa9-0c21', status: 'completed', from: '2026-12-01', to: undefined });
    expect(csvHref(f)).toBe('/v1/fleet/transactions.csv?receipt_code=3fa9-0c21&status=completed&from=2026-12-01');
  });

  it('kiosk: desired vs applied config, waiting for idle; an operator gets the service control, only an admin the overrides (the route is admin-only)', () => {
    const html = as('operator', <><ServiceControl detail={kioskDetail()} onDone={() => undefined} /><RemoteConfig detail={kioskDetail()} onDone={() => undefined} /></>);
    expect(html).toContain('version 2: out of service (refill)');
    expect(html).toContain('version 1,');
    expect(html).toContain('data-testid="config-pending"');
    expect(html).toContain('data-testid="back-in-service"');
    expect(html).not.toContain('data-testid="save-overrides"');
    expect(as('admin', <RemoteConfig detail={kioskDetail()} onDone={() => undefined} />)).toContain('data-testid="save-overrides"');
    expect(toCents('12.5')).toBe(1250);
    expect(toCents(' ')).toBeUndefined();
  });

  it('a viewer sees no write control anywhere', () => {
    const detail = kioskDetail();
    const pages = as(
      'viewer',
      <>
        <ServiceControl detail={detail} onDone={() => undefined} />
        <RemoteConfig detail={detail} onDone={() => undefined} />
        <CreditsTable items={[credit()]} onDone={() => undefined} />
        <AttentionList items={[attention({ action: { label: 'Take it out of service', method: 'POST', path: `/v1/fleet/kiosks/${KIOSK_ID}/service` } })]} now={NOW} />
      </>,
    );
    expect(pages).not.toMatch(/<button|<form/);
    expect(pages).toContain('data-testid="credit-row"');
    const operatorView = as('operator', <CreditsTable items={[credit()]} onDone={() => undefined} />);
    expect(operatorView).toContain('data-testid="settle-submit"');
  });

  it('credits: what is owed, why, and who settled a settled one', () => {
    const html = as('operator', <CreditsTable items={[credit(), credit({ id: 'c2', state: 'refunded', settled_by: 'op@example.com', settle_reference: 'BANK-7' })]} onDone={() => undefined} />);
    expect(html).toContain('$2.50 (10 of 10 coins)');
    expect(html).toContain('partial payout');
    expect(html).toContain('by op@example.com');
    expect(html).toContain('BANK-7');
  });

  it('attention: each item with its action; a GET action opens the matching console page', () => {
    const html = as('operator', <AttentionList items={[attention()]} now={NOW} />);
    const write = as('operator', <AttentionList items={[attention({ kind: 'kiosk_silent', action: { label: 'Take it out of service', method: 'POST', path: `/v1/fleet/kiosks/${KIOSK_ID}/service` } })]} now={NOW} />);
    expect(write).toContain(`href="#/kiosks/${KIOSK_ID}"`);
    expect(write).not.toContain('<button');
    expect(html).toContain('credit open');
    expect(html).toContain('href="#/credits"');
    expect(html).toContain('Settle the credit');
    expect(consoleHrefFor(`/v1/fleet/kiosks/${KIOSK_ID}`)).toBe(`#/kiosks/${KIOSK_ID}`);
    expect(consoleHrefFor('/v1/fleet/transactions?status=partial')).toBe('#/transactions?status=partial');
    expect(consoleHrefFor('/v1/other')).toBeNull();
    expect(as('operator', <AttentionList items={[]} now={NOW} />)).toContain('Nothing needs a person');
  });

  it('reconciliation: a non-zero difference is marked; the default range is the last 7 UTC days', () => {
    const row = { kiosk_id: KIOSK_ID, kiosk_name: 'Main St', day: '2026-12-01', coins_loaded: 400, coins_due: 100, coins_paid: 90, credits_opened_coins: 8, credits_collected_coins: 0, difference: 2 };
    const html = renderToStaticMarkup(<ReconTable rows={[row, { ...row, day: '2026-12-02', difference: 0 }]} />);
    expect(html.match(/row-bad/g)).toHaveLength(1);
    expect(html).toContain('coins unaccounted for');
    expect(defaultRange(NOW)).toEqual({ from: '2026-11-26', to: '2026-12-02' });
  });

  it('audit and webhook delivery log', () => {
    expect(renderToStaticMarkup(<AuditTable items={[audit()]} />)).toContain('kiosk service');
    const log = renderToStaticMarkup(
      <DeliveryLog
        items={[{ id: 'd1', webhook_id: 'w1', event: 'low_coins', body: {}, status: 'pending', attempts: 2, last_status_code: 500, last_error: null, next_attempt_at: '2026-12-02T15:10:00.000Z', created_at: '2026-12-02T15:00:00.000Z', delivered_at: null }]}
      />,
    );
    expect(log).toContain('low coins');
    expect(log).toContain('500');
    expect(log).toContain('retry');
  });
});
