import { newId } from '../../contract/clock';
import { startFakePortal, type FakePortal } from '../../sim/worldid/portal';
import { createTransaction, postWorldId, resultFor } from '../../cloud-api/src/testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../../cloud-api/src/testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from '../../cloud-api/src/testing/payment-flows';
import type { Backend } from '../../cloud-api/src/testing/test-db';

/**
 * The cloud state every route fuzz case runs against (the same shape as routes/bad-input.test.ts):
 * kiosks A and B, a revoked kiosk R; A's transactions in every state (created, verified, paid with a
 * pending job); B's one stored sync event. Rate limits are high so 429 never masks behaviour.
 */
export interface CloudFixture {
  h: Harness;
  portal: FakePortal;
  tokens: { A: string; B: string; R: string; operator: string };
  kiosks: { A: string; B: string; R: string };
  tx: { fresh: string; other: string; used: string; verified: string; bFresh: string };
  /** A's pending job (any valid A call to /v1/jobs/next would claim it). */
  jobId: string;
  /** Every transaction id the fixture made (a create with one of these ids is a replay or a conflict). */
  knownTxIds: Set<string>;
  freshResult: Record<string, unknown>;
  /** A World ID result for `fresh` that the cloud refuses (it carries `used`'s nonce). */
  refusedResult: Record<string, unknown>;
  /** World App payment ids that match no payable transaction (wrong amount, recipient; replayed). */
  badPaymentIds: string[];
  /** The event B already synced (a replay of it changes nothing). */
  bEvent: Record<string, unknown>;
  dispose(): Promise<void>;
}

export async function createCloudFixture(backend: Backend): Promise<CloudFixture> {
  const portal = await startFakePortal();
  const h = await createHarness(backend, { ...worldAppEnv(portal), RATE_LIMIT_IP_PER_MIN: '100000000', RATE_LIMIT_KIOSK_PER_MIN: '100000000' });
  const a = await h.enrollKiosk('fuzz-a');
  const b = await h.enrollKiosk('fuzz-b');
  const r = await h.enrollKiosk('fuzz-revoked');
  const revoke = await h.req('POST', `/v1/fleet/kiosks/${r.kioskId}/revoke`, { token: OPERATOR_TOKEN });
  if (revoke.status !== 200) throw new Error(`revoke failed: ${revoke.status}`);
  const fresh = await createTransaction(h, a.token);
  const other = await createTransaction(h, a.token);
  const used = await createTransaction(h, a.token);
  const bFresh = await createTransaction(h, b.token);
  if ((await postWorldId(h, a.token, used.transaction.id, resultFor(used, 'fuzz-1'))).status !== 200) throw new Error('verify used failed');
  const paidId = await payAsAsked(h, portal, used.transaction.id);
  if ((await postPayment(h, used.transaction.id, paidId)).status !== 200) throw new Error('payment failed');
  const verified = await createTransaction(h, a.token);
  if ((await postWorldId(h, a.token, verified.transaction.id, resultFor(verified, 'fuzz-2'))).status !== 200) throw new Error('verify failed');
  // Payments that fit no transaction: never one whose reference matches a payable transaction.
  const wrongAmount = await payAsAsked(h, portal, verified.transaction.id, { amount: '1' });
  const wrongTo = await payAsAsked(h, portal, verified.transaction.id, { to: '0x' + 'c3'.repeat(20) });
  const { rows } = await h.tdb.db.query<{ id: string }>('SELECT id FROM dispense_jobs WHERE transaction_id = $1', [used.transaction.id]);
  const bEvent = {
    seq: 1,
    id: newId(),
    occurred_at: new Date().toISOString(),
    type: 'kiosk.heartbeat',
    payload: { coins_available: 10, hopper_ok: true, outbox_depth: 0, version: '1' },
  };
  const synced = await h.req('POST', '/v1/sync', { token: b.token, body: { events: [bEvent] } });
  if (synced.status !== 200) throw new Error(`sync failed: ${synced.status} ${await synced.text()}`);
  return {
    h,
    portal,
    tokens: { A: a.token, B: b.token, R: r.token, operator: OPERATOR_TOKEN },
    kiosks: { A: a.kioskId, B: b.kioskId, R: r.kioskId },
    tx: { fresh: fresh.transaction.id, other: other.transaction.id, used: used.transaction.id, verified: verified.transaction.id, bFresh: bFresh.transaction.id },
    jobId: rows[0]!.id,
    knownTxIds: new Set([fresh, other, used, verified, bFresh].map((t) => t.transaction.id)),
    freshResult: resultFor(fresh),
    refusedResult: resultFor({ ...fresh, rp_context: used.rp_context }),
    badPaymentIds: [wrongAmount, wrongTo, paidId],
    bEvent,
    async dispose() {
      await h.dispose();
      await portal.close();
    },
  };
}
