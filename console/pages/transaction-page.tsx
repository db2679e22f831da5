import { TransactionDetailResponseSchema } from '../api/schemas';
import { dollars, time } from '../ui/format';
import { Badge, Empty, Facts, LoadState, Page } from '../ui/parts';
import { useSession } from '../ui/session';
import { useLoad } from '../ui/use-load';
import { EventsList } from './events-list';
import { statusTone } from './tx-table';

function Records({ rows, testId, empty }: { rows: Array<Record<string, unknown>>; testId: string; empty: string }) {
  if (!rows.length) return <Empty>{empty}</Empty>;
  return (
    <ul className="records" data-testid={testId}>
      {rows.map((r, i) => (
        <li key={i}>
          <code>{JSON.stringify(r)}</code>
        </li>
      ))}
    </ul>
  );
}

/** A transaction (issue 17) with its whole audit trail on both sides: cloud events, kiosk events, job, payments, credits. */
export function TransactionPage({ id }: { id: string }) {
  const { api } = useSession();
  const state = useLoad(() => api.get(`/v1/fleet/transactions/${encodeURIComponent(id)}`, TransactionDetailResponseSchema), `tx:${id}`);
  return (
    <LoadState state={state}>
      {(d) => {
        const t = d.transaction;
        return (
          <Page title={`Transaction ${t.receipt_code}`} testId="page-transaction">
            <Facts
              items={[
                ['Status', <Badge tone={statusTone(t.status)}>{t.status}</Badge>],
                ['Receipt code', <span data-testid="tx-receipt">{t.receipt_code}</span>],
                ['Amount', dollars(t.amount_cents)],
                ['Fee', dollars(t.fee_cents)],
                ['Total', dollars(t.total_cents)],
                ['Coins paid', `${t.coins_paid ?? '—'} of ${t.coins}`],
                ['Payment', t.payment_status ?? '—'],
                ['Created', time(t.created_at)],
                ['Kiosk', <a href={`#/kiosks/${t.kiosk_id}`}>{t.kiosk_id}</a>],
                ['Id', <code data-testid="tx-id">{t.id}</code>],
              ]}
            />
            <div className="two-col">
              <div>
                <h2>Cloud events</h2>
                <EventsList events={d.cloud_events} testId="cloud-events" empty="No cloud events." />
              </div>
              <div>
                <h2>Kiosk events</h2>
                <EventsList events={d.kiosk_events} testId="kiosk-events" empty="No kiosk events." />
              </div>
            </div>
            <h2>Payout job</h2>
            {d.job ? <Records rows={[d.job]} testId="tx-job" empty="" /> : <Empty>No job.</Empty>}
            <h2>Payments</h2>
            <Records rows={d.payments} testId="tx-payments" empty="No payments." />
            <h2>Credits</h2>
            <Records rows={d.credits} testId="tx-credits" empty="No credits owed." />
          </Page>
        );
      }}
    </LoadState>
  );
}
