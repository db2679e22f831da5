import { AnySchema, ConsoleAttentionResponseSchema, type AttentionItem } from '../api/schemas';
import { ago, shortId, words } from '../ui/format';
import { Empty, LoadState, Notice, Page } from '../ui/parts';
import { RoleGate, useSession } from '../ui/session';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-load';

/** The console page showing what a cloud GET path returns (the attention item's action), when there is one. */
export function consoleHrefFor(apiPath: string): string | null {
  const [path = '', qs] = apiPath.split('?', 2);
  const m = /^\/v1\/fleet\/(kiosks|transactions|credits|webhooks|audit|reconciliation)(?:\/([^/]+))?$/.exec(path);
  if (!m) return null;
  const [, what, id] = m;
  if (id) return what === 'kiosks' || what === 'transactions' ? `#/${what}/${id}` : null;
  return `#/${what}${qs ? `?${qs}` : ''}`;
}

/** Where the console resolves an item when its action names no console page: the transaction, else the kiosk. */
export function fallbackHref(i: AttentionItem): string {
  if (i.kind === 'refund_owed') return '#/credits';
  if (i.transaction_id) return `#/transactions/${i.transaction_id}`;
  if (i.kiosk_id) return `#/kiosks/${i.kiosk_id}`;
  return '#/fleet';
}

function ActionButton({ item, onDone }: { item: AttentionItem; onDone(): void }) {
  const { api } = useSession();
  const a = useAction();
  const { method, path, label } = item.action;
  if ((method === 'POST' || method === 'PUT') && path)
    return (
      <RoleGate role="operator">
        <button type="button" className="primary" disabled={a.busy} onClick={async () => (await a.run(() => api.send(method, path, AnySchema), 'Done.')) && onDone()} data-testid="attention-do">
          {label}
        </button>
        <Notice notice={a.notice} />
      </RoleGate>
    );
  const to = (method === 'GET' && path ? consoleHrefFor(path) : null) ?? fallbackHref(item);
  return (
    <a className="button secondary" href={to} data-testid="attention-link">
      {label}
    </a>
  );
}

export function AttentionList({ items, now, onDone }: { items: AttentionItem[]; now: number; onDone(): void }) {
  if (!items.length) return <Empty>Nothing needs a person right now.</Empty>;
  return (
    <ul className="cards" data-testid="attention-list">
      {items.map((i) => (
        <li key={`${i.kind}:${i.ref_id}`} className="card" data-testid="attention-item" data-kind={i.kind}>
          <h2 className="card-title">{words(i.kind)}</h2>
          <p className="muted small">
            since {ago(i.since, now)}
            {i.kiosk_id ? ` · kiosk ${shortId(i.kiosk_id)}` : ''}
            {i.transaction_id ? ` · transaction ${shortId(i.transaction_id)}` : ''}
          </p>
          {Object.keys(i.detail).length ? <code className="event-data">{JSON.stringify(i.detail)}</code> : null}
          <ActionButton item={i} onDone={onDone} />
        </li>
      ))}
    </ul>
  );
}

/** Attention (issue 17): stuck jobs, payouts in doubt, open credits, silent kiosks, low coins, unresolved payments, flagged events, each with its action. */
export function AttentionPage() {
  const { api } = useSession();
  const state = useLoad(() => api.get('/v1/fleet/attention', ConsoleAttentionResponseSchema), 'attention');
  return (
    <Page title="Attention" testId="page-attention">
      <LoadState state={state}>{(d) => <AttentionList items={d.items} now={Date.now()} onDone={state.reload} />}</LoadState>
    </Page>
  );
}
