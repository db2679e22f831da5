import { useState, type FormEvent } from 'react';
import { queryString } from '../api/client';
import { ReconciliationResponseSchema, type ReconRow } from '../api/schemas';
import { href } from '../router';
import { Empty, LoadState, Page } from '../ui/parts';
import { useSession } from '../ui/session';
import { useLoad } from '../ui/use-load';

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The range shown when none is asked: the last 7 UTC days, today included. */
export function defaultRange(now: number): { from: string; to: string } {
  return { from: utcDay(now - 6 * DAY_MS), to: utcDay(now) };
}

export function ReconTable({ rows }: { rows: ReconRow[] }) {
  if (!rows.length) return <Empty>No activity in this range.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="recon-table">
        <caption className="visually-hidden">Reconciliation per kiosk and day, in coins</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Kiosk</th>
            <th scope="col" className="num">Loaded</th>
            <th scope="col" className="num">Due</th>
            <th scope="col" className="num">Paid</th>
            <th scope="col" className="num">Credits opened</th>
            <th scope="col" className="num">Credits collected</th>
            <th scope="col" className="num">Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.kiosk_id}:${r.day}`} data-testid="recon-row" className={r.difference !== 0 ? 'row-bad' : undefined}>
              <th scope="row" data-label="Day">
                {r.day}
              </th>
              <td data-label="Kiosk">
                <a href={`#/kiosks/${r.kiosk_id}`}>{r.kiosk_name}</a>
              </td>
              <td data-label="Loaded" className="num">{r.coins_loaded}</td>
              <td data-label="Due" className="num">{r.coins_due}</td>
              <td data-label="Paid" className="num">{r.coins_paid}</td>
              <td data-label="Credits opened" className="num">{r.credits_opened_coins}</td>
              <td data-label="Credits collected" className="num">{r.credits_collected_coins}</td>
              <td data-label="Difference" className="num">
                <strong>{r.difference}</strong>
                {r.difference !== 0 ? <span className="visually-hidden"> (coins unaccounted for)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Reconciliation (issue 17): per kiosk and UTC day, coins loaded, due, paid, credits opened and collected,
 * and the difference (0 when every promised coin was paid or owed); the same range as CSV.
 */
export function ReconciliationPage({ query }: { query: Record<string, string> }) {
  const { api } = useSession();
  const range = { ...defaultRange(Date.now()), ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
  const q = { ...range, kiosk_id: query.kiosk_id || undefined };
  const state = useLoad(() => api.get('/v1/fleet/reconciliation', ReconciliationResponseSchema, q), JSON.stringify(q));
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  function submit(e: FormEvent) {
    e.preventDefault();
    window.location.hash = href('/reconciliation', { from, to, kiosk_id: query.kiosk_id });
  }
  return (
    <Page
      title="Reconciliation"
      testId="page-reconciliation"
      actions={
        <a className="button secondary" href={`/v1/fleet/reconciliation${queryString({ ...q, format: 'csv' })}`} download data-testid="recon-csv">
          Export CSV
        </a>
      }
    >
      <form className="search-form" onSubmit={submit} aria-label="Date range">
        <div>
          <label htmlFor="r-from">From (UTC day)</label>
          <input id="r-from" type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div>
          <label htmlFor="r-to">To (UTC day)</label>
          <input id="r-to" type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="form-buttons">
          <button type="submit" className="primary">
            Show
          </button>
        </div>
      </form>
      <LoadState state={state}>{(d) => <ReconTable rows={d.rows} />}</LoadState>
    </Page>
  );
}
