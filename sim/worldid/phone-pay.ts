import { simulatePay } from './portal-payments';

/**
 * Demo only: what the mini app page does in World App, done server-side for the simulated phone —
 * read the cloud's payment request, "pay" it at the fake portal, report the World App transaction id
 * to the cloud (repeating while pending). Returns a sentence for the page.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The transaction id in a mini app return_to link (`…?path=/pay/<id>`), or ''. */
export function transactionFromReturnTo(returnTo: string | undefined): string {
  if (!returnTo) return '';
  try {
    const path = new URL(returnTo).searchParams.get('path') ?? '';
    return UUID.exec(path)?.[0] ?? '';
  } catch {
    return '';
  }
}

/** The cloud's payment request as the mini app reads it (GET /v1/transactions/{id}/payment-request). */
export interface PaymentAsk {
  reference: string;
  to: string;
  token?: string;
  token_amount: string;
}

type Target = { cloudUrl: string; portalUrl: string };
const txBase = (to: Target, transactionId: string) => `${to.cloudUrl.replace(/\/$/, '')}/v1/transactions/${encodeURIComponent(transactionId)}`;

/**
 * What World App's mini app does when it opens (return_to, right after verification): read the payment
 * request. The phone keeps it, so the customer can confirm the payment later — even after the kiosk gave
 * up (issue 15: such a late payment becomes a credit). A sentence when the cloud refuses.
 */
export async function openPaymentRequest(to: Target, transactionId: string): Promise<PaymentAsk | string> {
  if (!UUID.test(transactionId)) return 'Enter the transaction id to pay.';
  try {
    const reqRes = await fetch(`${txBase(to, transactionId)}/payment-request`);
    const request = (await reqRes.json()) as Partial<PaymentAsk> & { error?: { message: string } };
    if (reqRes.status !== 200 || !request.reference || !request.to || !request.token_amount) return `Cannot pay: ${request.error?.message ?? `HTTP ${reqRes.status}`}`;
    return { reference: request.reference, to: request.to, token: request.token, token_amount: request.token_amount };
  } catch (cause) {
    return `Failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

/**
 * Pays the request (`opened`: read earlier, when the mini app opened; else read now) at the fake portal and
 * reports the World App transaction id to the cloud, repeating while pending.
 */
export async function payTransaction(to: Target, transactionId: string, o: { sleep?: (ms: number) => Promise<void>; opened?: PaymentAsk } = {}): Promise<string> {
  if (!UUID.test(transactionId)) return 'Enter the transaction id to pay.';
  const request = o.opened ?? (await openPaymentRequest(to, transactionId));
  if (typeof request === 'string') return request;
  const base = txBase(to, transactionId);
  try {
    const worldAppTxId = await simulatePay({ portalUrl: to.portalUrl }, {
      reference: request.reference, to: request.to, token: request.token === 'WLD' ? 'WLD' : 'USDCE', amount: request.token_amount,
    });
    const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${base}/payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transaction_id: worldAppTxId }) });
      const body = (await res.json()) as { payment_status?: string; error?: { message: string } };
      if (res.status === 200) return `Payment ${body.payment_status}.`;
      if (res.status !== 202 && res.status < 500) return `Payment refused: ${body.error?.message ?? `HTTP ${res.status}`}`;
      await sleep(1000);
    }
    return 'Payment still pending; the cloud keeps checking.';
  } catch (cause) {
    return `Failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}
