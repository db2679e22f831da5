import { useEffect, useState, type FormEvent } from 'react';
import { queryString } from '../api/client';
import { TransactionSearchResponseSchema } from '../api/schemas';
import { href } from '../router';
import { Page } from '../ui/parts';
import { MoreButton } from './more-button';
import { usePagedList } from './paged-list';
import { TxTable } from './tx-table';

/** The search filters the cloud takes (GET /v1/fleet/transactions and .csv), in the URL after `#/transactions?`. */
export const TX_FILTERS = ['receipt_code', 'transaction_id', 'kiosk_id', 'status', 'from', 'to'] as const;
export type TxFilters = Partial<Record<(typeof TX_FILTERS)[number], string>>;
export const STATUSES = ['created', 'verified', 'paid', 'dispensing', 'completed', 'partial', 'failed', 'expired', 'cancelled', 'refused'];
export const PAGE_SIZE = 50;

export function pickFilters(q: Record<string, string>): TxFilters {
  const f: TxFilters = {};
  for (const k of TX_FILTERS) if (q[k]) f[k] = q[k];
  return f;
}

/** The filters as the cloud takes them: trimmed; dates (YYYY-MM-DD) are UTC days, `to` inclusive (contract/console-api.ts). */
export function apiFilters(f: TxFilters): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of TX_FILTERS) out[k] = f[k]?.trim() || undefined;
  return out;
}

export const csvHref = (f: TxFilters): string => `/v1/fleet/transactions.csv${queryString(apiFilters(f))}`;

/**
 * Transactions (issue 17): search by receipt code, transaction id, kiosk, status and date range; newest
 * first with a cursor "Load more" that goes back as far as the data does; the same search as CSV.
 */
export function TransactionsPage({ query }: { query: Record<string, string> }) {
  const filters = pickFilters(query);
  const list = usePagedList('/v1/fleet/transactions', TransactionSearchResponseSchema, { ...apiFilters(filters), limit: PAGE_SIZE });
  return (
    <Page
      title="Transactions"
      testId="page-transactions"
      actions={
        <a className="button secondary" href={csvHref(filters)} download data-testid="csv-export">
          Export CSV
        </a>
      }
    >
      <SearchForm filters={filters} />
      {list.ready && !list.error ? (
        <>
          <p className="muted" role="status" data-testid="tx-count">
            {list.items.length} shown{list.cursor ? ', more available' : ''}
          </p>
          <TxTable items={list.items} />
        </>
      ) : null}
      <MoreButton list={list} />
    </Page>
  );
}

function SearchForm({ filters }: { filters: TxFilters }) {
  const [f, setF] = useState<TxFilters>(filters);
  const shown = JSON.stringify(filters);
  useEffect(() => setF(JSON.parse(shown) as TxFilters), [shown]);
  const set = (k: keyof TxFilters) => (e: { target: { value: string } }) => setF((o) => ({ ...o, [k]: e.target.value }));
  function submit(e: FormEvent) {
    e.preventDefault();
    window.location.hash = href('/transactions', f);
  }
  return (
    <form className="search-form" onSubmit={submit} role="search" aria-label="Search transactions">
      <div>
        <label htmlFor="f-receipt">Receipt code</label>
        <input id="f-receipt" value={f.receipt_code ?? ''} onChange={set('receipt_code')} autoCapitalize="characters" data-testid="filter-receipt" />
      </div>
      <div>
        <label htmlFor="f-tx">Transaction id</label>
        <input id="f-tx" value={f.transaction_id ?? ''} onChange={set('transaction_id')} data-testid="filter-tx" />
      </div>
      <div>
        <label htmlFor="f-kiosk">Kiosk id</label>
        <input id="f-kiosk" value={f.kiosk_id ?? ''} onChange={set('kiosk_id')} data-testid="filter-kiosk" />
      </div>
      <div>
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={f.status ?? ''} onChange={set('status')} data-testid="filter-status">
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-from">From (UTC day)</label>
        <input id="f-from" type="date" value={f.from ?? ''} onChange={set('from')} data-testid="filter-from" />
      </div>
      <div>
        <label htmlFor="f-to">To (UTC day)</label>
        <input id="f-to" type="date" value={f.to ?? ''} onChange={set('to')} data-testid="filter-to" />
      </div>
      <div className="form-buttons">
        <button type="submit" className="primary" data-testid="search">
          Search
        </button>
        <a className="button secondary" href="#/transactions">
          Clear
        </a>
      </div>
    </form>
  );
}
