import { useState, type FormEvent } from 'react';
import { WebhookEventSchema } from '../../contract/console-api';
import { AnySchema, CreatedWebhookResponseSchema, WebhookDeliveriesResponseSchema, WebhooksResponseSchema, type Delivery, type Webhook } from '../api/schemas';
import { time, words } from '../ui/format';
import { Badge, Empty, LoadState, Notice, Page } from '../ui/parts';
import { RoleGate, useSession } from '../ui/session';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-load';
import { MoreButton } from './more-button';
import { usePagedList } from './paged-list';

const EVENTS = WebhookEventSchema.options;

function NewWebhook({ onDone }: { onDone(): void }) {
  const { api } = useSession();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const [secret, setSecret] = useState<string | null>(null);
  const a = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSecret(null);
    const ok = await a.run(async () => setSecret((await api.send('POST', '/v1/fleet/webhooks', CreatedWebhookResponseSchema, { url: url.trim(), events })).secret), 'Webhook added.');
    if (ok) {
      setUrl('');
      onDone();
    }
  }
  const toggle = (ev: string) => setEvents((s) => (s.includes(ev) ? s.filter((x) => x !== ev) : [...s, ev]));
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title">Add a webhook</h2>
      <label htmlFor="wh-url">URL</label>
      <input id="wh-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://alerts.example.com/roluatm" data-testid="wh-url" />
      <fieldset>
        <legend>Events</legend>
        {EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} data-testid={`wh-event-${ev}`} /> {words(ev)}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={a.busy || !events.length} data-testid="wh-add">
        Add webhook
      </button>
      <Notice notice={a.notice} />
      {secret ? (
        <div className="secret" role="status">
          <p>
            Signing secret, shown once: copy it now. Each body is signed <code>X-RoluATM-Signature: sha256=&lt;hex HMAC-SHA256 of &quot;timestamp.body&quot;&gt;</code>, the timestamp being <code>X-RoluATM-Timestamp</code>.
          </p>
          <code data-testid="wh-secret">{secret}</code>
        </div>
      ) : null}
    </form>
  );
}

/** A webhook's delivery log, newest first, 50 at a time ("Load more" pages back by cursor). */
function Deliveries({ webhook }: { webhook: Webhook }) {
  const list = usePagedList(`/v1/fleet/webhooks/${webhook.id}/deliveries`, WebhookDeliveriesResponseSchema, { limit: 50 });
  return (
    <>
      {list.ready && !list.error ? <DeliveryLog items={list.items} /> : null}
      <MoreButton list={list} />
      <button type="button" className="link-button" onClick={list.reload}>
        Refresh
      </button>
    </>
  );
}

export function DeliveryLog({ items }: { items: Delivery[] }) {
  if (!items.length) return <Empty>No deliveries yet.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="delivery-log">
        <caption className="visually-hidden">Delivery log</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Attempts</th>
            <th scope="col">Last answer</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
              <td data-label="Created">{time(d.created_at)}</td>
              <td data-label="Event">{words(d.event)}</td>
              <td data-label="Status">
                <Badge tone={d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn'}>{d.status}</Badge>
              </td>
              <td data-label="Attempts" className="num">{d.attempts}</td>
              <td data-label="Last answer">
                {d.last_status_code ?? d.last_error ?? '—'}
                {d.next_attempt_at && d.status === 'pending' ? ` · retry ${time(d.next_attempt_at)}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WebhookCard({ webhook, onDone }: { webhook: Webhook; onDone(): void }) {
  const { api } = useSession();
  const [open, setOpen] = useState(false);
  const a = useAction();
  return (
    <li className="card" data-testid="webhook" data-url={webhook.url}>
      <h2 className="card-title">
        <code>{webhook.url}</code>
      </h2>
      <p className="muted small">
        {webhook.events.map(words).join(', ')} · added {time(webhook.created_at)} by {webhook.created_by}
      </p>
      <div className="row-buttons">
        <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="wh-deliveries">
          {open ? 'Hide deliveries' : 'Delivery log'}
        </button>
        <RoleGate role="admin">
          <button type="button" className="danger" disabled={a.busy} onClick={async () => (await a.run(() => api.send('DELETE', `/v1/fleet/webhooks/${webhook.id}`, AnySchema), 'Removed.')) && onDone()} data-testid="wh-delete">
            Remove
          </button>
        </RoleGate>
      </div>
      <Notice notice={a.notice} />
      {open ? <Deliveries webhook={webhook} /> : null}
    </li>
  );
}

/** Webhooks (issue 17): alerts on low coins, hopper fault, silent kiosk, payout in doubt, credit opened; HMAC-signed, retried, logged. Adding and removing is config: admin only (the cloud refuses other roles anyway). */
export function WebhooksPage() {
  const { api } = useSession();
  const state = useLoad(() => api.get('/v1/fleet/webhooks', WebhooksResponseSchema), 'webhooks');
  return (
    <Page title="Webhooks" testId="page-webhooks">
      <RoleGate role="admin">
        <NewWebhook onDone={state.reload} />
      </RoleGate>
      <LoadState state={state}>
        {(d) =>
          d.items.length ? (
            <ul className="cards wide">
              {d.items.map((w) => (
                <WebhookCard key={w.id} webhook={w} onDone={state.reload} />
              ))}
            </ul>
          ) : (
            <Empty>No webhooks configured.</Empty>
          )
        }
      </LoadState>
    </Page>
  );
}
