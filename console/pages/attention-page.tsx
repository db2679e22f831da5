import { ConsoleAttentionResponseSchema, type AttentionItem } from '../api/schemas';
import { ago, shortId, words } from '../ui/format';
import { Empty, LoadState, Page } from '../ui/parts';
import { useSession } from '../ui/session';
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
  if (i.kind === 'credit_open') return '#/credits';
  if (i.transaction_id) return `#/transactions/${i.transaction_id}`;
  if (i.kiosk_id) return `#/kiosks/${i.kiosk_id}`;
  return '#/fleet';
}

/**
 * The item's action (the cloud's `action`): its label, and a link to the console page where it is done. A write
 * action (e.g. POST …/kiosks/{id}/service) opens the page of the thing it acts on, whose controls ask for what the
 * write needs (a reason) and are shown only to the roles allowed.
 */
function ActionLink({ item }: { item: AttentionItem }) {
  const { method, path, label } = item.action;
  const target = path && method !== 'GET' ? path.replace(/\/[a-z_]+$/, '') : path;
  const to = (target ? consoleHrefFor(target) : null) ?? fallbackHref(item);
  return (
    <>
      <p data-testid="attention-action">{label}</p>
      <a className="button secondary" href={to} data-testid="attention-link">
        Open
      </a>
    </>
  );
}

export function AttentionList({ items, now }: { items: AttentionItem[]; now: number }) {
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
          <ActionLink item={i} />
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
      <LoadState state={state}>{(d) => <AttentionList items={d.items} now={Date.now()} />}</LoadState>
    </Page>
  );
}
