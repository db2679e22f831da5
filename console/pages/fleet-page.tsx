import { FleetKioskListResponseSchema, type KioskRow } from '../api/schemas';
import { ago } from '../ui/format';
import { Badge, Empty, Page } from '../ui/parts';
import { MoreButton } from './more-button';
import { usePagedList } from './paged-list';

const HEALTH_TONE: Record<KioskRow['health'], 'ok' | 'warn' | 'bad' | 'neutral'> = {
  ok: 'ok',
  low_coins: 'warn',
  hopper_fault: 'bad',
  silent: 'bad',
  out_of_service: 'bad',
  revoked: 'neutral',
};

/**
 * The kiosk's health in words, with the operator's out-of-service reason when there is one. An out of service the
 * kiosk has not applied yet says so: it keeps serving until idle (issue 17 remote control waits for idle).
 */
export function kioskTone(k: KioskRow): { tone: 'ok' | 'warn' | 'bad' | 'neutral'; text: string } {
  if (k.health === 'out_of_service' && k.desired_config_version > (k.applied_config_version ?? 0)) {
    return { tone: 'warn', text: `going out of service when idle${k.out_of_service_reason ? `: ${k.out_of_service_reason}` : ''}` };
  }
  const text = k.health === 'out_of_service' && k.out_of_service_reason ? `out of service: ${k.out_of_service_reason}` : k.health.replace(/_/g, ' ');
  return { tone: HEALTH_TONE[k.health], text };
}

export function FleetTable({ kiosks, now }: { kiosks: KioskRow[]; now: number }) {
  if (!kiosks.length) return <Empty>No kiosks enrolled yet.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="fleet-table">
        <caption className="visually-hidden">Kiosks</caption>
        <thead>
          <tr>
            <th scope="col">Kiosk</th>
            <th scope="col">State</th>
            <th scope="col" className="num">Coins</th>
            <th scope="col">Version</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {kiosks.map((k) => {
            const t = kioskTone(k);
            return (
              <tr key={k.id} data-testid={`kiosk-row-${k.id}`}>
                <th scope="row" data-label="Kiosk">
                  <a href={`#/kiosks/${k.id}`}>{k.name}</a>
                </th>
                <td data-label="State" data-testid="kiosk-health">
                  <Badge tone={t.tone}>{t.text}</Badge>
                  {k.out_of_service_reason && k.health !== 'out_of_service' ? <span className="muted small"> (out of service: {k.out_of_service_reason}, waiting for idle)</span> : null}
                </td>
                <td data-label="Coins" className="num">
                  {k.coins_available ?? '—'}
                  {k.low_coins ? <span className="visually-hidden"> (low)</span> : null}
                </td>
                <td data-label="Version">{k.version ?? '—'}</td>
                <td data-label="Last seen">
                  <time dateTime={k.last_seen_at ?? undefined}>{ago(k.last_seen_at, now)}</time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Fleet (issue 17): every kiosk with health, coins and low state, version, last seen, out-of-service reason; paged by cursor. */
export function FleetPage() {
  const list = usePagedList('/v1/fleet/kiosks', FleetKioskListResponseSchema, { limit: 200 });
  return (
    <Page title="Fleet" testId="page-fleet">
      {list.ready && !list.error ? <FleetTable kiosks={list.items} now={Date.now()} /> : null}
      <MoreButton list={list} />
    </Page>
  );
}
