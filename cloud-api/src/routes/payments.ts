import { Hono } from 'hono';
import { ErrorCodes, PaymentRequestSchema } from '../../../contract/http';
import type { PaymentRequestView } from '../../../contract/payments';
import type { AppEnv, Deps } from '../deps';
import { HttpError } from '../http-error';
import { isPastExpiry } from '../paid-job';
import { expectedPayment, findPayableTransaction, paymentsEnabled, submitPayment } from '../payments/submit-payment';
import { readBody } from './request-body';

/** Statuses in which the customer may still be asked to pay (created: the proof may still be on its way). */
const PAYABLE = new Set(['created', 'verified']);

/**
 * The mini app's two calls (world-id.md "Payment in World App"). Both are public — the customer's phone
 * has no token — so they reveal only what MiniKit.pay needs, and a payment is trusted only after the
 * Developer Portal confirms it matches this transaction (reference, recipient, token, amount, `mined`).
 */
export function paymentRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  // GET /v1/transactions/:id/payment-request → PaymentRequestView (contract/payments.ts).
  app.get('/v1/transactions/:id/payment-request', async (c) => {
    paymentsEnabled(deps);
    const t = await findPayableTransaction(deps, c.req.param('id'));
    if (!PAYABLE.has(t.status)) throw new HttpError(422, ErrorCodes.transactionState, `this cash-out is ${t.status}; nothing to pay — start again at the kiosk`);
    if (isPastExpiry(t, deps.clock.now())) {
      throw new HttpError(422, ErrorCodes.transactionExpired, 'this cash-out has expired; start again at the kiosk');
    }
    const e = expectedPayment(deps, t);
    const view: PaymentRequestView = {
      reference: e.reference,
      to: e.recipient,
      token: e.token,
      token_amount: e.tokenAmount.toString(),
      description: `RoluATM cash-out: ${t.coins} quarters ($${(t.amount_cents / 100).toFixed(2)}) + fee`,
    };
    return c.json(view, 200);
  });

  // POST /v1/transactions/:id/payment {transaction_id}: 200 confirmed | 202 pending | 200 failed | 422 | 503.
  app.post('/v1/transactions/:id/payment', async (c) => {
    paymentsEnabled(deps);
    const body = await readBody(c, PaymentRequestSchema);
    const t = await findPayableTransaction(deps, c.req.param('id'));
    const res = await submitPayment(deps, t, body.transaction_id);
    return c.json(res, res.payment_status === 'pending' ? 202 : 200);
  });

  return app;
}
