import { KioskDetailResponseSchema } from '../api/schemas';
import { ago, time } from '../ui/format';
import { Badge, Facts, LoadState, Page } from '../ui/parts';
import { useSession } from '../ui/session';
import { useLoad } from '../ui/use-load';
import { EventsList } from './events-list';
import { kioskTone } from './fleet-page';
import { RemoteConfig, ServiceControl } from './kiosk-controls';
import { TxTable } from './tx-table';

/** A kiosk (issue 17): its state, recent transactions, events and hopper faults, service and overrides. */
export function KioskPage({ id }: { id: string }) {
  const { api } = useSession();
  const state = useLoad(() => api.get(`/v1/fleet/kiosks/${encodeURIComponent(id)}`, KioskDetailResponseSchema), `kiosk:${id}`);
  return (
    <LoadState state={state}>
      {(d) => {
        const t = kioskTone(d.kiosk);
        return (
          <Page title={`Kiosk ${d.kiosk.name}`} testId="page-kiosk" actions={<ServiceControl detail={d} onDone={state.reload} />}>
            <Facts
              items={[
                ['State', <span data-testid="kiosk-health"><Badge tone={t.tone}>{t.text}</Badge></span>],
                ['Coins available', `${d.kiosk.coins_available ?? '—'}${d.kiosk.low_coins ? ' (low)' : ''}`],
                ['Open jobs', d.kiosk.open_jobs],
                ['Version', d.kiosk.version ?? '—'],
                ['Last seen', <span title={time(d.kiosk.last_seen_at)}>{ago(d.kiosk.last_seen_at, Date.now())}</span>],
                ['Id', <code>{d.kiosk.id}</code>],
              ]}
            />
            <h2>Configuration: desired and applied</h2>
            <RemoteConfig detail={d} onDone={state.reload} />
            <h2>Recent transactions</h2>
            <TxTable items={d.transactions} />
            <p>
              <a href={`#/transactions?kiosk_id=${d.kiosk.id}`}>All transactions of this kiosk</a>
            </p>
            <h2>Hopper faults</h2>
            <EventsList events={d.hopper_faults} testId="hopper-faults" empty="No hopper faults." />
            <h2>Recent events</h2>
            <EventsList events={d.events} testId="kiosk-events" empty="No events." />
          </Page>
        );
      }}
    </LoadState>
  );
}
