import { createRoute } from '@hono/zod-openapi';
import { ErrorCodes, PaymentRequestSchema } from '../../../contract/http';
import { PaymentRequestViewSchema, PaymentSubmitResponseSchema, type PaymentRequestView } from '../../../contract/payments';
import { HttpError } from '../http-error';
import { isPastExpiry } from '../paid-job';
import { expectedPayment, findPayableTransaction, paymentsEnabled, submitPayment } from '../payments/submit-payment';
import { takeTransactionToken } from '../request-guards';
import { apiRoute, ERROR_RESPONSES, jsonBody, miniJsonResponse, PUBLIC } from './api-route';
import { pathIdParams } from './path-id';

/** Statuses in which the customer may still be asked to pay (created: the proof may still be on its way). */
const PAYABLE = new Set(['created', 'verified']);

/**
 * The mini app's two calls (world-id.md "Payment in World App"). Both are public — the customer's phone
 * has no token — so they reveal only what MiniKit.pay needs, and a payment is trusted only after the
 * Developer Portal confirms it matches this transaction (reference, recipient, token, amount, `mined`).
 */
export const paymentRoutes = [
  // GET /v1/transactions/:id/payment-request → PaymentRequestView (contract/payments.ts).
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/transactions/{id}/payment-request',
      summary: 'what the mini app passes to MiniKit.pay',
      security: PUBLIC,
      request: { params: pathIdParams('transaction') },
      responses: { 200: miniJsonResponse('the payment to ask for', PaymentRequestViewSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      paymentsEnabled(deps);
      await takeTransactionToken(deps, c, c.req.valid('param').id);
      const t = await findPayableTransaction(deps, c.req.valid('param').id);
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
    },
  ),

  // POST /v1/transactions/:id/payment {transaction_id}: 200 confirmed | 202 pending | 200 failed | 422 | 503.
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/transactions/{id}/payment',
      summary: 'report a World App payment (200 confirmed/failed, 202 pending)',
      security: PUBLIC,
      request: { params: pathIdParams('transaction'), body: jsonBody(PaymentRequestSchema) },
      responses: {
        200: miniJsonResponse('confirmed or failed', PaymentSubmitResponseSchema),
        202: miniJsonResponse('pending: ask again', PaymentSubmitResponseSchema),
        ...ERROR_RESPONSES,
      },
    }),
    (deps) => async (c) => {
      paymentsEnabled(deps);
      await takeTransactionToken(deps, c, c.req.valid('param').id);
      const body = c.req.valid('json');
      const t = await findPayableTransaction(deps, c.req.valid('param').id);
      const res = await submitPayment(deps, t, body.transaction_id, { fromClient: true });
      return res.payment_status === 'pending' ? c.json(res, 202) : c.json(res, 200);
    },
  ),
];
