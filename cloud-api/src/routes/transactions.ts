import { createRoute } from '@hono/zod-openapi';
import {
  CreateTransactionRequestSchema,
  CreateTransactionResponseSchema,
  ErrorCodes,
  TransactionStatusResponseSchema,
  type CreateTransactionResponse,
} from '../../../contract/http';
import { NoQuerySchema } from '../../../contract/fleet';
import { FINAL_TRANSACTION_STATUSES } from '../../../contract/transaction';
import { paymentStateOf } from '../db/payments';
import { isPastExpiry } from '../paid-job';
import { pathIdParams } from './path-id';
import { checkAmount } from '../../../contract/amount-rules';
import { checkDailyCaps, hasDailyCaps } from '../db/cash-caps';
import type { Quote } from '../../../contract/money';
import { getTransaction, registerTransaction, toTransactionView, type TransactionRow } from '../db/transactions';
import { amountPolicyOf } from '../config';
import { applyOverrides } from '../../../contract/remote-config';
import { appliedOverrides } from '../db/remote-config';
import type { Deps } from '../deps';
import { HttpError, notFound } from '../http-error';
import { randomPaymentReference } from '../secrets';
import { createRpContext } from '../worldid';
import { dayWindow } from '../worldid/human-limits';
import { apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, KIOSK } from './api-route';

const conflict = () =>
  new HttpError(409, ErrorCodes.conflict, 'a different transaction already uses this id; create a new id and try again');

const NO_AMOUNT: Quote = { amount_cents: 0, fee_cents: 0, total_cents: 0, coins: 0 };

/** The cloud's quote is the one charged: the kiosk's screen showed the same policy (amountPolicyOf). */
/** Issue 17: the cloud's policy with the operator's overrides this kiosk reported applying (config.applied), as its screen shows. */
async function quoteFor(deps: Deps, kioskId: string, amountCents: number): Promise<Quote> {
  const policy = applyOverrides(amountPolicyOf(deps.config), await appliedOverrides(deps.db, kioskId));
  const check = checkAmount(amountCents, policy);
  if (check.kind !== 'ok') {
    throw new HttpError(422, ErrorCodes.amountOutOfRange, `choose an amount between ${policy.min_cents} and ${policy.max_cents} cents`);
  }
  return check.quote;
}

export function responseFor(deps: Deps, t: TransactionRow): CreateTransactionResponse {
  const cfg = deps.config;
  return {
    transaction: toTransactionView(t),
    rp_context: t.rp_context,
    world_id: { app_id: cfg.WORLD_ID_APP_ID, action: cfg.WORLD_ID_ACTION },
    payment_reference: t.payment_reference,
    return_to: `${cfg.MINIAPP_BASE_URL}?app_id=${cfg.WORLD_ID_APP_ID}&path=${encodeURIComponent('/pay/' + t.id)}`,
    payment_mode: cfg.PAYMENT_MODE,
  };
}

/**
 * POST /v1/transactions: registers a kiosk-generated transaction, idempotent on id (ARCHITECTURE.md):
 * the same body again → 200 with the SAME rp_context and payment reference; another body, or an id
 * another kiosk owns → 409 (never revealing the other kiosk's record).
 */
export const transactionRoutes = [
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/transactions',
      summary: 'register a cash-out or a claim of owed coins (idempotent on id)',
      security: KIOSK,
      request: { body: jsonBody(CreateTransactionRequestSchema) },
      responses: {
        201: jsonResponse('registered', CreateTransactionResponseSchema),
        200: jsonResponse('the same request again: the same answer', CreateTransactionResponseSchema),
        ...ERROR_RESPONSES,
      },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const kiosk = c.get('kiosk');
      const cfg = deps.config;
      // Issue 15: a claim has no amount until its World ID proof finds the person's open credits.
      const kind = 'amount_cents' in body ? 'cash_out' : 'claim';
      const q = 'amount_cents' in body ? await quoteFor(deps, kiosk.id, body.amount_cents) : NO_AMOUNT;
      const now = deps.clock.now();
      const rp = createRpContext(
        { rpId: cfg.WORLD_ID_RP_ID, signingKeyHex: cfg.WORLD_ID_SIGNING_KEY, action: cfg.WORLD_ID_ACTION },
        deps.clock,
      );
      const row: TransactionRow = {
        id: body.id,
        kiosk_id: kiosk.id,
        kind,
        ...q,
        status: 'created',
        coins_paid: null,
        payment_reference: randomPaymentReference(),
        rp_nonce: rp.nonce,
        rp_context: rp,
        world_id_nullifier: null,
        created_at: now,
        expires_at: new Date(now.getTime() + cfg.TRANSACTION_TTL_SEC * 1000),
      };
      const register = { nonceExpiresAt: new Date(rp.expires_at * 1000), createdEvent: { ...q, kind, kiosk_id: kiosk.id } };
      const caps = { kioskCents: cfg.KIOSK_DAILY_CAP_CENTS, fleetCents: cfg.FLEET_DAILY_CAP_CENTS };
      // Without daily caps the registration is one statement, no DB transaction (issue 18: round trips).
      const created = !hasDailyCaps(caps) ? await registerTransaction(deps.db, row, register) : await deps.db.tx(async (tx) => {
        // Daily cash caps (db/cash-caps.ts): refused here, before the customer scans or pays; nothing is stored.
        const capped = await checkDailyCaps(tx, {
          kioskId: kiosk.id, transactionId: row.id, amountCents: row.amount_cents, now, caps,
          day: dayWindow(now, cfg.PER_HUMAN_DAY_TIME_ZONE),
        });
        if (capped) throw new HttpError(422, capped.code, capped.message);
        return registerTransaction(tx, row, register);
      });
      if (created) return c.json(responseFor(deps, row), 201);
      const existing = await getTransaction(deps.db, body.id);
      const same = existing && existing.kiosk_id === kiosk.id && existing.kind === kind && (kind === 'claim' || existing.amount_cents === q.amount_cents);
      if (!existing || !same) throw conflict();
      return c.json(responseFor(deps, existing), 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/transactions/{id}/status',
      summary: "a transaction's status, its payment and whether its kiosk session ended (issue 15)",
      security: KIOSK,
      request: { params: pathIdParams('transaction'), query: NoQuerySchema },
      responses: { 200: jsonResponse('the status the kiosk polls while it waits for payment', TransactionStatusResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const t = await getTransaction(deps.db, id);
      // Another kiosk's transaction is answered as unknown, never revealed.
      if (!t || t.kiosk_id !== c.get('kiosk').id) throw notFound('transaction');
      const payment = await paymentStateOf(deps.db, t.id);
      // The session ended: the transaction is final, or it waits for a proof or payment past its expiry —
      // either way the cloud creates no job for it any more (paid-job.ts isPastExpiry).
      const waiting = t.status === 'created' || t.status === 'verified';
      const sessionEnded = FINAL_TRANSACTION_STATUSES.includes(t.status) || (waiting && isPastExpiry(t, deps.clock.now()));
      return c.json({ status: t.status, payment, session_ended: sessionEnded }, 200);
    },
  ),
];
