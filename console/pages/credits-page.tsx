import { useState, type FormEvent } from 'react';
import { FleetCreditsResponseSchema, SettleCreditResponseSchema, type Credit } from '../api/schemas';
import { dollars, shortId, time, words } from '../ui/format';
import { Badge, Empty, LoadState, Notice, Page } from '../ui/parts';
import { RoleGate, useSession } from '../ui/session';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-load';

/** Settle one credit (issue 15/17): `refunded` with a reference, or `waived` with a reason. Operator role or above. */
function SettleForm({ credit, onDone }: { credit: Credit; onDone(): void }) {
  const { api } = useSession();
  const [outcome, setOutcome] = useState<'refunded' | 'waived'>('refunded');
  const [text, setText] = useState('');
  const a = useAction();
  const idp = `settle-${credit.id}`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = outcome === 'refunded' ? { state: outcome, reference: text.trim() } : { state: outcome, reason: text.trim() };
    if (await a.run(() => api.send('POST', `/v1/fleet/credits/${credit.id}/settle`, SettleCreditResponseSchema, body), `Credit ${outcome}.`)) onDone();
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Settle credit ${shortId(credit.id)}`}>
      <label htmlFor={`${idp}-outcome`}>Outcome</label>
      <select id={`${idp}-outcome`} value={outcome} onChange={(e) => setOutcome(e.target.value as 'refunded' | 'waived')} data-testid="settle-outcome">
        <option value="refunded">refunded</option>
        <option value="waived">waived</option>
      </select>
      <label htmlFor={`${idp}-text`}>{outcome === 'refunded' ? 'Reference' : 'Reason'}</label>
      <input id={`${idp}-text`} required maxLength={200} value={text} onChange={(e) => setText(e.target.value)} data-testid="settle-text" />
      <button type="submit" className="primary" disabled={a.busy} data-testid="settle-submit">
        Settle
      </button>
      <Notice notice={a.notice} />
    </form>
  );
}

export function CreditsTable({ items, onDone }: { items: Credit[]; onDone(): void }) {
  if (!items.length) return <Empty>No credits.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="credits-table">
        <caption className="visually-hidden">Credits</caption>
        <thead>
          <tr>
            <th scope="col">Opened</th>
            <th scope="col">Transaction</th>
            <th scope="col" className="num">Owed</th>
            <th scope="col">Reason</th>
            <th scope="col">State</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-testid="credit-row" data-credit-id={c.id}>
              <td data-label="Opened">{time(c.created_at)}</td>
              <td data-label="Transaction">{c.transaction_id ? <a href={`#/transactions/${c.transaction_id}`}>{shortId(c.transaction_id)}</a> : '—'}</td>
              <td data-label="Owed" className="num">
                {dollars(c.amount_cents)} ({c.coins - c.coins_collected} of {c.coins} coins)
              </td>
              <td data-label="Reason">{words(c.reason)}</td>
              <td data-label="State" data-testid="credit-state">
                <Badge tone={c.state === 'open' ? 'warn' : 'ok'}>{c.state}</Badge>
              </td>
              <td data-label="Action">
                {c.state === 'open' ? (
                  <RoleGate role="operator">
                    <SettleForm credit={c} onDone={onDone} />
                  </RoleGate>
                ) : (
                  <span className="small">
                    {c.settled_by ? `by ${c.settled_by}` : ''} {c.settle_reference ?? c.settle_reason ?? ''} · {time(c.updated_at)}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STATES = ['open', 'collected', 'refunded', 'waived'] as const;

/** Credits (issue 15/17): what the fleet owes customers, and settling it (operator role or above). */
export function CreditsPage() {
  const { api } = useSession();
  const [filter, setFilter] = useState<string>('open');
  const state = useLoad(() => api.get('/v1/fleet/credits', FleetCreditsResponseSchema, { state: filter || undefined, limit: 200 }), `credits:${filter}`);
  return (
    <Page
      title="Credits"
      testId="page-credits"
      actions={
        <div className="inline-form">
          <label htmlFor="credit-state">Show</label>
          <select id="credit-state" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="credit-filter">
            <option value="">all</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      }
    >
      <LoadState state={state}>{(d) => <CreditsTable items={d.items} onDone={state.reload} />}</LoadState>
    </Page>
  );
}
