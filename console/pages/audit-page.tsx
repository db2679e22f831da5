import { AuditResponseSchema, type AuditEvent } from '../api/schemas';
import { time, words } from '../ui/format';
import { Empty, Page } from '../ui/parts';
import { MoreButton } from './more-button';
import { usePagedList } from './paged-list';

export function AuditTable({ items }: { items: AuditEvent[] }) {
  if (!items.length) return <Empty>No operator actions yet.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="audit-table">
        <caption className="visually-hidden">Operator actions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-action={e.action}>
              <td data-label="When">{time(e.at)}</td>
              <td data-label="Who">{e.actor}</td>
              <td data-label="Action">{words(e.action)}</td>
              <td data-label="Target">
                <code>{e.target ?? '—'}</code>
              </td>
              <td data-label="Details">{Object.keys(e.details).length ? <code className="event-data">{JSON.stringify(e.details)}</code> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Audit (issue 17): every operator action with its actor (an account or the service token). */
export function AuditPage() {
  const list = usePagedList('/v1/fleet/audit', AuditResponseSchema, { limit: 100 });
  return (
    <Page title="Audit" testId="page-audit">
      {list.ready && !list.error ? <AuditTable items={list.items} /> : null}
      <MoreButton list={list} />
    </Page>
  );
}
