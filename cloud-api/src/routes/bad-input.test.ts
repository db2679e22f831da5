import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { BODY_LIMIT_BYTES } from '../app';
import { checksum } from '../testing/db-checksum';
import { createTransaction, postWorldId, resultFor } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from '../testing/payment-flows';
import { BACKENDS } from '../testing/test-db';

/**
 * Bad input for every route (issue 5 "Done when"): each answer is a 4xx with a stable code, never a 5xx,
 * and the database is unchanged — checked by a checksum of every table (testing/db-checksum.ts).
 */
interface Case {
  name: string;
  method: string;
  path: string;
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

describe.each(BACKENDS)('bad input on every route (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  const cases: Case[] = [];

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, worldAppEnv(portal));
    const a = await h.enrollKiosk('a');
    const b = await h.enrollKiosk('b');
    const fresh = await createTransaction(h, a.token);
    const other = await createTransaction(h, a.token);
    const used = await createTransaction(h, a.token);
    expect((await postWorldId(h, a.token, used.transaction.id, resultFor(used, 'bad-1'))).status).toBe(200);
    const paidId = await payAsAsked(h, portal, used.transaction.id);
    expect((await postPayment(h, used.transaction.id, paidId)).status).toBe(200);
    const verified = await createTransaction(h, a.token);
    expect((await postWorldId(h, a.token, verified.transaction.id, resultFor(verified, 'bad-2'))).status).toBe(200);
    const wrongAmount = await payAsAsked(h, portal, verified.transaction.id, { amount: '1' });
    const wrongTo = await payAsAsked(h, portal, verified.transaction.id, { to: '0x' + 'c3'.repeat(20) });
    const wrongRef = await payAsAsked(h, portal, verified.transaction.id, { reference: fresh.payment_reference });
    const { rows } = await h.tdb.db.query<{ id: string }>('SELECT id FROM dispense_jobs WHERE transaction_id = $1', [used.transaction.id]);
    const jobId = rows[0]!.id;
    const big = JSON.stringify({ id: newId(), amount_cents: 500, pad: 'x'.repeat(BODY_LIMIT_BYTES) });
    const A = a.token;
    const B = b.token;
    const tx = (id: string) => `/v1/transactions/${id}`;
    const ev = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      events: [{ seq: 1, id: newId(), occurred_at: new Date().toISOString(), type: 'kiosk.heartbeat', payload, ...extra }],
    });
    const hb = { coins_available: 10, hopper_ok: true, outbox_depth: 0, version: '1' };
    const add = (c: Omit<Case, 'status' | 'code'>, status: number, code: string) => cases.push({ ...c, status, code });

    add({ name: 'healthz: wrong method', method: 'POST', path: '/healthz' }, 404, 'not_found');
    add({ name: 'openapi: wrong method', method: 'POST', path: '/openapi.json' }, 404, 'not_found');
    add({ name: 'enrollment code: no token', method: 'POST', path: '/v1/fleet/enrollment-codes' }, 401, 'unauthorized');
    add({ name: 'enrollment code: kiosk token', method: 'POST', path: '/v1/fleet/enrollment-codes', token: A }, 401, 'unauthorized');
    add({ name: 'enrollment code: unknown field', method: 'POST', path: '/v1/fleet/enrollment-codes', token: OPERATOR_TOKEN, body: { n: 1 } }, 400, 'malformed');
    add({ name: 'enrol: malformed JSON', method: 'POST', path: '/v1/kiosks/enroll', raw: '{"code":', headers: { 'content-type': 'application/json' } }, 400, 'malformed');
    add({ name: 'enrol: not JSON', method: 'POST', path: '/v1/kiosks/enroll', raw: 'code=1', headers: { 'content-type': 'text/plain' } }, 400, 'malformed');
    add({ name: 'enrol: wrong types', method: 'POST', path: '/v1/kiosks/enroll', body: { code: 123456, name: ['x'] } }, 400, 'malformed');
    add({ name: 'enrol: unknown field', method: 'POST', path: '/v1/kiosks/enroll', body: { code: 'AAAA-BBBB-CCCC', name: 'x', admin: true } }, 400, 'malformed');
    add({ name: 'enrol: unknown code', method: 'POST', path: '/v1/kiosks/enroll', body: { code: 'AAAA-BBBB-CCCC', name: 'x' } }, 422, 'enrollment_code_invalid');
    add({ name: 'enrol: oversized body', method: 'POST', path: '/v1/kiosks/enroll', raw: big, headers: { 'content-type': 'application/json' } }, 413, 'body_too_large');
    add({ name: 'create: no token', method: 'POST', path: '/v1/transactions', body: { id: newId(), amount_cents: 500 } }, 401, 'unauthorized');
    add({ name: 'create: wrong token', method: 'POST', path: '/v1/transactions', token: 'not-a-real-token', body: { id: newId(), amount_cents: 500 } }, 401, 'unauthorized');
    add({ name: 'create: operator token', method: 'POST', path: '/v1/transactions', token: OPERATOR_TOKEN, body: { id: newId(), amount_cents: 500 } }, 401, 'unauthorized');
    for (const [what, amount] of [['negative', -500], ['fractional', 500.5], ['huge', 1e308], ['not whole dollars', 150], ['a string', '500'], ['zero', 0]] as const) {
      add({ name: `create: amount ${what}`, method: 'POST', path: '/v1/transactions', token: A, body: { id: newId(), amount_cents: amount } }, 400, 'malformed');
    }
    add({ name: 'create: amount above the maximum', method: 'POST', path: '/v1/transactions', token: A, body: { id: newId(), amount_cents: 1_000_000 } }, 422, 'amount_out_of_range');
    add({ name: 'create: id not a uuid', method: 'POST', path: '/v1/transactions', token: A, body: { id: 'abc', amount_cents: 500 } }, 400, 'malformed');
    add({ name: 'create: unknown field', method: 'POST', path: '/v1/transactions', token: A, body: { id: newId(), amount_cents: 500, fee_cents: 0 } }, 400, 'malformed');
    add({ name: 'create: oversized body', method: 'POST', path: '/v1/transactions', token: A, raw: big, headers: { 'content-type': 'application/json' } }, 413, 'body_too_large');
    add({ name: 'create: same id, other amount', method: 'POST', path: '/v1/transactions', token: A, body: { id: fresh.transaction.id, amount_cents: 1000 } }, 409, 'conflict');
    add({ name: "create: another kiosk's id", method: 'POST', path: '/v1/transactions', token: B, body: { id: fresh.transaction.id, amount_cents: 500 } }, 409, 'conflict');
    add({ name: 'world-id: no token', method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, body: { result: resultFor(fresh) } }, 401, 'unauthorized');
    add({ name: "world-id: another kiosk's token", method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, token: B, body: { result: resultFor(fresh) } }, 404, 'not_found');
    add({ name: 'world-id: malformed JSON', method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, token: A, raw: '{', headers: { 'content-type': 'application/json' } }, 400, 'malformed');
    add({ name: 'world-id: wrong type', method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, token: A, body: { result: 'proof' } }, 400, 'malformed');
    add({ name: 'world-id: unknown field', method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, token: A, body: { result: resultFor(fresh), x: 1 } }, 400, 'malformed');
    add({ name: "world-id: another person's result after success", method: 'POST', path: `${tx(used.transaction.id)}/world-id`, token: A, body: { result: resultFor(used, 'bad-9') } }, 422, 'transaction_state');
    add({ name: 'world-id: reused nonce', method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, token: A, body: { result: resultFor({ ...fresh, rp_context: used.rp_context }) } }, 422, 'nonce_invalid');
    add({ name: "world-id: another transaction's signal", method: 'POST', path: `${tx(fresh.transaction.id)}/world-id`, token: A, body: { result: resultFor({ ...other, rp_context: fresh.rp_context }) } }, 422, 'signal_mismatch');
    add({ name: 'world-id: id not a uuid', method: 'POST', path: `${tx('x')}/world-id`, token: A, body: { result: resultFor(fresh) } }, 404, 'not_found');
    add({ name: 'payment-request: unknown id', method: 'GET', path: `${tx(newId())}/payment-request` }, 404, 'not_found');
    add({ name: 'payment-request: not a uuid', method: 'GET', path: `${tx('1 OR 1=1')}/payment-request` }, 404, 'not_found');
    add({ name: 'payment-request: already paid', method: 'GET', path: `${tx(used.transaction.id)}/payment-request` }, 422, 'transaction_state');
    add({ name: 'payment: malformed JSON', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, raw: 'nope', headers: { 'content-type': 'application/json' } }, 400, 'malformed');
    add({ name: 'payment: wrong type', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: 42 } }, 400, 'malformed');
    add({ name: 'payment: unknown field', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: wrongTo, status: 'mined' } }, 400, 'malformed');
    add({ name: 'payment: oversized body', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, raw: big, headers: { 'content-type': 'application/json' } }, 413, 'body_too_large');
    add({ name: 'payment: amount does not match', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: wrongAmount } }, 422, 'payment_invalid');
    add({ name: 'payment: recipient does not match', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: wrongTo } }, 422, 'payment_invalid');
    add({ name: 'payment: reference does not match', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: wrongRef } }, 422, 'payment_invalid');
    add({ name: 'payment: replayed payment id', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: paidId } }, 422, 'payment_invalid');
    add({ name: 'payment: unknown payment id', method: 'POST', path: `${tx(verified.transaction.id)}/payment`, body: { transaction_id: '0x00' } }, 422, 'payment_invalid');
    add({ name: 'payment: unknown transaction', method: 'POST', path: `${tx(newId())}/payment`, body: { transaction_id: paidId } }, 404, 'not_found');
    add({ name: 'jobs: no token', method: 'GET', path: '/v1/jobs/next?wait=0' }, 401, 'unauthorized');
    for (const w of ['-1', '1.5', '1e9', 'abc']) add({ name: `jobs: wait=${w}`, method: 'GET', path: `/v1/jobs/next?wait=${w}`, token: B }, 400, 'malformed');
    add({ name: "ack: another kiosk's job", method: 'POST', path: `/v1/jobs/${jobId}/ack`, token: B }, 404, 'not_found');
    add({ name: 'ack: no token', method: 'POST', path: `/v1/jobs/${jobId}/ack` }, 401, 'unauthorized');
    add({ name: 'sync: no token', method: 'POST', path: '/v1/sync', body: ev(hb) }, 401, 'unauthorized');
    add({ name: 'sync: malformed JSON', method: 'POST', path: '/v1/sync', token: B, raw: '[', headers: { 'content-type': 'application/json' } }, 400, 'malformed');
    add({ name: 'sync: no events', method: 'POST', path: '/v1/sync', token: B, body: { events: [] } }, 400, 'malformed');
    add({ name: 'sync: unknown field in an event', method: 'POST', path: '/v1/sync', token: B, body: ev(hb, { extra: 1 }) }, 400, 'malformed');
    add({ name: 'sync: negative seq', method: 'POST', path: '/v1/sync', token: B, body: ev(hb, { seq: -1 }) }, 400, 'malformed');
    add({ name: 'sync: huge coin count', method: 'POST', path: '/v1/sync', token: B, body: ev({ ...hb, coins_available: 1e20 }) }, 400, 'malformed');
    add({ name: 'sync: fractional coins', method: 'POST', path: '/v1/sync', token: B, body: ev({ ...hb, coins_available: 1.5 }) }, 400, 'malformed');
    add({ name: 'sync: oversized body', method: 'POST', path: '/v1/sync', token: B, raw: big, headers: { 'content-type': 'application/json' } }, 413, 'body_too_large');
    for (const p of ['/v1/fleet/kiosks', '/v1/fleet/transactions', '/v1/fleet/attention', '/metrics']) {
      add({ name: `${p}: no token`, method: 'GET', path: p }, 401, 'unauthorized');
      add({ name: `${p}: kiosk token`, method: 'GET', path: p, token: A }, 401, 'unauthorized');
    }
    for (const q of ['limit=-1', 'limit=1.5', 'limit=99999999999999999999', 'status=paidd', 'kiosk_id=1', 'since=yesterday', 'admin=1']) {
      add({ name: `fleet transactions: ${q}`, method: 'GET', path: `/v1/fleet/transactions?${q}`, token: OPERATOR_TOKEN }, 400, 'malformed');
    }
    add({ name: 'attention: limit=0', method: 'GET', path: '/v1/fleet/attention?limit=0', token: OPERATOR_TOKEN }, 400, 'malformed');
    add({ name: 'revoke: kiosk token', method: 'POST', path: `/v1/fleet/kiosks/${a.kioskId}/revoke`, token: B }, 401, 'unauthorized');
    add({ name: 'revoke: not a uuid', method: 'POST', path: '/v1/fleet/kiosks/abc/revoke', token: OPERATOR_TOKEN }, 404, 'not_found');
    add({ name: 'mini app page: not a uuid', method: 'GET', path: '/miniapp/pay/<script>' }, 404, 'not_found');
    // Found by test/fuzz/cloud-routes.ts: each was a 500 (uuid cast, NUL/unpaired surrogate into Postgres) or a 201.
    add({ name: 'ack: 36 dashes', method: 'POST', path: `/v1/jobs/${'-'.repeat(36)}/ack`, token: B }, 404, 'not_found');
    add({ name: 'world-id: 36 dashes', method: 'POST', path: `${tx('-'.repeat(36))}/world-id`, token: A, body: { result: resultFor(fresh) } }, 404, 'not_found');
    add({ name: 'enrol: NUL in the name', method: 'POST', path: '/v1/kiosks/enroll', body: { code: 'AAAA-BBBB-CCCC', name: 'a\u0000b' } }, 400, 'malformed');
    add({ name: 'enrol: unpaired surrogate', method: 'POST', path: '/v1/kiosks/enroll', raw: '{"code":"AAAA-BBBB-CCCC","name":"\\udfff"}', headers: { 'content-type': 'application/json' } }, 400, 'malformed');
    add({ name: 'sync: seq beyond a Postgres integer', method: 'POST', path: '/v1/sync', token: B, body: ev(hb, { seq: 2 ** 31 }) }, 400, 'malformed');
    add({ name: 'sync: NUL in a payload string', method: 'POST', path: '/v1/sync', token: B, body: ev({ ...hb, version: '1\u0000' }) }, 400, 'malformed');
    add({ name: 'enrollment code: a body without content type', method: 'POST', path: '/v1/fleet/enrollment-codes', token: OPERATOR_TOKEN, raw: 'garbage' }, 400, 'malformed');
    add({ name: 'enrollment code: {} without content type', method: 'POST', path: '/v1/fleet/enrollment-codes', token: OPERATOR_TOKEN, raw: '{}', headers: { 'content-type': '' } }, 400, 'malformed');
    add({ name: 'mini app script: wrong method', method: 'POST', path: '/miniapp/assets/pay.js' }, 404, 'not_found');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('answers each bad request with its 4xx and code, never a 5xx, and changes nothing in the database', async () => {
    const before = await checksum(h.tdb.db);
    const got: string[] = [];
    for (const c of cases) {
      const res = await h.req(c.method, c.path, { token: c.token, body: c.body, raw: c.raw, headers: c.headers });
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      got.push(`${c.name} → ${res.status} ${body.error?.code ?? '-'}`);
    }
    expect(got).toEqual(cases.map((c) => `${c.name} → ${c.status} ${c.code}`));
    expect(await checksum(h.tdb.db)).toEqual(before);
  });
});
