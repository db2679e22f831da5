import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { CreateTransactionResponseSchema } from '../../../contract/http';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

describe.each(BACKENDS)('POST /v1/transactions (%s)', (backend) => {
  let h: Harness;
  let kiosk: { kioskId: string; token: string };
  beforeAll(async () => {
    h = await createHarness(backend, { FEE_FLAT_CENTS: '50', FEE_BPS: '100' });
    kiosk = await h.enrollKiosk('tx');
  });
  afterAll(() => h.dispose());

  const create = (body: unknown, token = kiosk.token) => h.req('POST', '/v1/transactions', { token, body });

  it('registers a transaction with a quote, a signed rp_context, a payment reference and a return_to link', async () => {
    const id = newId();
    const res = await create({ id, amount_cents: 2000 });
    expect(res.status).toBe(201);
    const body = CreateTransactionResponseSchema.parse(await res.json());
    expect(body.transaction).toMatchObject({ id, kiosk_id: kiosk.kioskId, amount_cents: 2000, fee_cents: 70, total_cents: 2070, coins: 80, status: 'created', coins_paid: null });
    expect(new Date(body.transaction.expires_at).getTime() - new Date(body.transaction.created_at).getTime()).toBe(600_000);
    expect(body.rp_context.rp_id).toBe(h.config.WORLD_ID_RP_ID);
    expect(body.rp_context.signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(body.world_id).toEqual({ app_id: h.config.WORLD_ID_APP_ID, action: h.config.WORLD_ID_ACTION });
    expect(body.payment_reference.length).toBeLessThanOrEqual(36);
    expect(body.return_to).toBe(`https://world.org/mini-app?app_id=${h.config.WORLD_ID_APP_ID}&path=%2Fpay%2F${id}`);
    expect(body.payment_mode).toBe('none');
    const nonce = await h.tdb.db.query('SELECT 1 FROM issued_nonces WHERE nonce = $1 AND transaction_id = $2', [body.rp_context.nonce, id]);
    expect(nonce.rowCount).toBe(1);
  });

  it('answers a replay of the same body with 200 and the same rp_context and payment reference', async () => {
    const id = newId();
    const first = CreateTransactionResponseSchema.parse(await (await create({ id, amount_cents: 500 })).json());
    h.clock.advance(5_000);
    const again = await create({ id, amount_cents: 500 });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
  });

  it('answers 409 for another body with the same id, and for an id another kiosk owns', async () => {
    const id = newId();
    expect((await create({ id, amount_cents: 500 })).status).toBe(201);
    const other = await create({ id, amount_cents: 600 });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('conflict');
    const stranger = await h.enrollKiosk('stranger');
    const foreign = await create({ id, amount_cents: 500 }, stranger.token);
    expect(foreign.status).toBe(409);
    expect(JSON.stringify(await foreign.json())).not.toContain(kiosk.kioskId);
  });

  it('refuses amounts outside the configured range with 422 amount_out_of_range', async () => {
    for (const amount_cents of [6000, 99_00]) {
      const res = await create({ id: newId(), amount_cents });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('amount_out_of_range');
    }
  });

  it('answers 400 for a malformed amount, an unknown field or a bad id, and 401 without a token', async () => {
    expect((await create({ id: newId(), amount_cents: 150 })).status).toBe(400);
    expect((await create({ id: newId(), amount_cents: 500, coins: 20 })).status).toBe(400);
    expect((await create({ id: 'not-a-uuid', amount_cents: 500 })).status).toBe(400);
    expect((await h.req('POST', '/v1/transactions', { body: { id: newId(), amount_cents: 500 } })).status).toBe(401);
  });

  it('lists transactions with their audit events to the operator only', async () => {
    const id = newId();
    await create({ id, amount_cents: 1000 });
    expect((await h.req('GET', '/v1/fleet/transactions', { token: kiosk.token })).status).toBe(401);
    const res = await h.req('GET', `/v1/fleet/transactions?kiosk_id=${kiosk.kioskId}&status=created&limit=500`, { token: OPERATOR_TOKEN });
    expect(res.status).toBe(200);
    const { items: transactions } = (await res.json()) as { items: { id: string; status: string; events: { type: string }[]; job: unknown }[] };
    const mine = transactions.find((t) => t.id === id);
    expect(mine?.events.map((e) => e.type)).toEqual(['transaction.created']);
    expect(mine?.job).toBeNull();
    expect(transactions.every((t) => t.status === 'created')).toBe(true);
    expect((await h.req('GET', '/v1/fleet/transactions?status=bogus', { token: OPERATOR_TOKEN })).status).toBe(400);
  });
});
