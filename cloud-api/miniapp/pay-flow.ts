import { PaymentErrorBodySchema, PaymentRequestViewSchema, PaymentSubmitResponseSchema, type PaymentTokenName } from '../../contract/payments';

/**
 * The mini app's payment steps (PRODUCT.md step 5), free of the DOM so they run under test:
 * fetch the payment request from the cloud → MiniKit.pay → POST the World App transaction id →
 * show the outcome, repeating the POST while the cloud says `pending`. Outside World App it stops at once.
 */
export type PayScreen =
  | { kind: 'outside_world_app' }
  | { kind: 'loading' }
  | { kind: 'paying'; description: string }
  | { kind: 'confirming' }
  | { kind: 'paid' }
  | { kind: 'still_pending' }
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string };

export interface PayInput {
  reference: string;
  to: string;
  tokens: Array<{ symbol: string; token_amount: string }>;
  description: string;
}

export interface PayFlowDeps {
  transactionId: string;
  inWorldApp: boolean;
  /** Origin + prefix of the cloud API, '' for same-origin. */
  apiBase: string;
  fetch: (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; json(): Promise<unknown> }>;
  /** MiniKit.pay; throws an error carrying `code` (PayError) when the customer or World App refuses. */
  pay: (input: PayInput) => Promise<{ transactionId: string }>;
  show: (screen: PayScreen) => void;
  sleep: (ms: number) => Promise<void>;
  /** Waits between repeated POSTs while pending; default 2, 4, 8, 16, 30, 30 … s (about 3 min). */
  pendingDelaysMs?: number[];
}

/** minikit-js 2.0.3 `Tokens`: USDC travels as the bridged "USDCE". */
const MINIKIT_SYMBOL: Record<PaymentTokenName, string> = { USDC: 'USDCE', WLD: 'WLD' };
const DEFAULT_DELAYS = [2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000];
const UNREACHABLE = 'Your payment was sent but RoluATM could not be reached to confirm it; show this screen to staff.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function errorMessage(res: { status: number; json(): Promise<unknown> }, what: string): Promise<string> {
  const body = PaymentErrorBodySchema.safeParse(await res.json().catch(() => undefined));
  return body.success ? body.data.error.message : `${what} failed (HTTP ${res.status}); please try again from the kiosk`;
}

async function submit(deps: PayFlowDeps, url: string, worldAppTxId: string): Promise<PayScreen> {
  const delays = deps.pendingDelaysMs ?? DEFAULT_DELAYS;
  const body = JSON.stringify({ transaction_id: worldAppTxId });
  for (let i = 0; ; i++) {
    // A lost POST would leave a paid customer unknown to the cloud, so network errors are retried too.
    const res = await deps.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => null);
    // 429 (the transaction's portal lookups or route limit are spent for this minute) is retried like a 5xx:
    // the World App id is not stored yet, so giving up would forget a customer who paid (issue 14).
    const retry = !res || res.status >= 500 || res.status === 429;
    if (res && !retry && res.status !== 200 && res.status !== 202) return { kind: 'error', message: await errorMessage(res, 'Confirming the payment') };
    const answer = res && !retry ? PaymentSubmitResponseSchema.safeParse(await res.json().catch(() => undefined)) : null;
    const wait = delays[i];
    if (!answer) {
      if (wait === undefined) return { kind: 'error', message: UNREACHABLE };
      await deps.sleep(wait);
      continue;
    }
    if (!answer.success) return { kind: 'error', message: 'The cloud gave an answer this page does not understand; ask staff for help.' };
    if (answer.data.payment_status === 'confirmed') return { kind: 'paid' };
    if (answer.data.payment_status === 'failed') return { kind: 'error', message: 'The payment failed on chain; you were not charged. Start again at the kiosk.' };
    if (wait === undefined) return { kind: 'still_pending' };
    await deps.sleep(wait);
  }
}

export async function runPayFlow(deps: PayFlowDeps): Promise<PayScreen> {
  const finish = (screen: PayScreen): PayScreen => (deps.show(screen), screen);
  if (!deps.inWorldApp) return finish({ kind: 'outside_world_app' });
  if (!UUID.test(deps.transactionId)) return finish({ kind: 'error', message: 'This payment link is not valid; scan the QR code at the kiosk again.' });
  deps.show({ kind: 'loading' });
  const base = `${deps.apiBase}/v1/transactions/${encodeURIComponent(deps.transactionId)}`;
  const res = await deps.fetch(`${base}/payment-request`).catch(() => null);
  if (!res) return finish({ kind: 'error', message: 'Cannot reach RoluATM; check your connection and try again.' });
  if (res.status !== 200) return finish({ kind: 'error', message: await errorMessage(res, 'Loading the payment') });
  const request = PaymentRequestViewSchema.safeParse(await res.json().catch(() => undefined));
  if (!request.success) return finish({ kind: 'error', message: 'The payment details are incomplete; ask staff for help.' });
  const r = request.data;
  deps.show({ kind: 'paying', description: r.description });
  let paid: { transactionId: string };
  try {
    paid = await deps.pay({ reference: r.reference, to: r.to, tokens: [{ symbol: MINIKIT_SYMBOL[r.token], token_amount: r.token_amount }], description: r.description });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'user_rejected') return finish({ kind: 'cancelled' });
    if (code === 'insufficient_balance') return finish({ kind: 'error', message: 'Your balance is too low for this payment; nothing was charged.' });
    return finish({ kind: 'error', message: `World App could not make the payment (${typeof code === 'string' ? code : 'unknown error'}); nothing was charged.` });
  }
  deps.show({ kind: 'confirming' });
  return finish(await submit(deps, `${base}/payment`, paid.transactionId));
}
