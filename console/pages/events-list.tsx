import type { KioskEvent, TxDetail } from '../api/schemas';
import { time, words } from '../ui/format';
import { Empty } from '../ui/parts';

type CloudEvent = TxDetail['cloud_events'][number];

/** A kiosk event (with its sequence number and any flag) or a cloud event, as one timeline line. */
function line(e: KioskEvent | CloudEvent): { at: string; type: string; data: Record<string, unknown>; seq?: number; flagged?: string | null } {
  return 'seq' in e ? { at: e.occurred_at, type: e.type, data: e.payload, seq: e.seq, flagged: e.flagged } : { at: e.created_at, type: e.type, data: e.data };
}

/** A timeline of events in the order given, each with its data as compact JSON; flagged kiosk events say why. */
export function EventsList({ events, testId, empty = 'None.' }: { events: Array<KioskEvent | CloudEvent>; testId: string; empty?: string }) {
  if (!events.length) return <Empty>{empty}</Empty>;
  return (
    <ol className="timeline" data-testid={testId}>
      {events.map((raw, i) => {
        const e = line(raw);
        return (
          <li key={`${e.seq ?? i}-${e.type}`} data-type={e.type}>
            <time dateTime={e.at}>{time(e.at)}</time> {e.seq !== undefined ? <span className="muted">#{e.seq}</span> : null} <strong>{words(e.type)}</strong>
            {e.flagged ? <span className="badge badge-bad">flagged: {e.flagged}</span> : null}
            {Object.keys(e.data).length ? <code className="event-data">{JSON.stringify(e.data)}</code> : null}
          </li>
        );
      })}
    </ol>
  );
}
