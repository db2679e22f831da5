import type { TxRow } from '../api/schemas';
import { dollars, shortId, time } from '../ui/format';
import { Badge, Empty } from '../ui/parts';

const TONE: Record<string, 'ok' | 'warn' | 'bad' | 'neutral'> = {
  completed: 'ok',
  partial: 'bad',
  failed: 'bad',
  dispensing: 'warn',
  paid: 'warn',
  verified: 'neutral',
  created: 'neutral',
  expired: 'neutral',
  cancelled: 'neutral',
  refused: 'neutral',
};
export const statusTone = (s: string) => TONE[s] ?? 'neutral';

/** A search row, or a kiosk page's recent transaction (which carries no receipt code). */
export type TxLike = Omit<TxRow, 'receipt_code'> & { receipt_code?: string };

/** Transactions as a table (a card per row on a phone): receipt code, time, kiosk, amount, coins, status. */
export function TxTable({ items, kioskNames = {} }: { items: TxLike[]; kioskNames?: Record<string, string> }) {
  if (!items.length) return <Empty>No transactions match.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="tx-table">
        <caption className="visually-hidden">Transactions</caption>
        <thead>
          <tr>
            <th scope="col">Receipt</th>
            <th scope="col">Created</th>
            <th scope="col">Kiosk</th>
            <th scope="col" className="num">Amount</th>
            <th scope="col" className="num">Coins paid</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id} data-testid="tx-row" data-tx-id={t.id}>
              <th scope="row" data-label="Receipt">
                <a href={`#/transactions/${t.id}`} data-testid="tx-link">
                  {t.receipt_code ?? shortId(t.id)}
                </a>
              </th>
              <td data-label="Created">{time(t.created_at)}</td>
              <td data-label="Kiosk">
                <a href={`#/kiosks/${t.kiosk_id}`}>{kioskNames[t.kiosk_id] ?? shortId(t.kiosk_id)}</a>
              </td>
              <td data-label="Amount" className="num">
                {dollars(t.amount_cents)}
              </td>
              <td data-label="Coins paid" className="num">
                {t.coins_paid ?? '—'} / {t.coins}
              </td>
              <td data-label="Status">
                <Badge tone={statusTone(t.status)}>{t.status}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
