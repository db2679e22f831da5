import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { runPayFlow, type PayFlowDeps, type PayInput, type PayScreen } from './pay-flow';

const ID = '0192f0aa-0000-7000-8000-000000000001';
const REQUEST = { reference: 'ref-0192f0aa', to: '0x' + 'ab'.repeat(20), token: 'USDC', token_amount: '5250000', description: 'RoluATM cash-out $5.00' };

/** A stand-in for the cloud's two payment routes, served by a real Hono app in-process. */
function cloud(answers: Array<{ status: number; body: unknown }>, request: unknown = REQUEST) {
  const posts: unknown[] = [];
  const app = new Hono();
  app.get('/v1/transactions/:id/payment-request', (c) => (c.req.param('id') === ID ? c.json(request as object) : c.json({ error: { code: 'not_found', message: 'transaction not found' } }, 404)));
  app.post('/v1/transactions/:id/payment', async (c) => {
    posts.push(await c.req.json());
    const a = answers.shift() ?? { status: 500, body: {} };
    return c.json(a.body as object, a.status as 200);
  });
  const fetch: PayFlowDeps['fetch'] = async (url, init) => app.request(url, init);
  return { fetch, posts };
}

function deps(over: Partial<PayFlowDeps> & Pick<PayFlowDeps, 'fetch'>): PayFlowDeps & { screens: PayScreen[]; paid: PayInput[]; slept: number[] } {
  const screens: PayScreen[] = [];
  const paid: PayInput[] = [];
  const slept: number[] = [];
  return {
    transactionId: ID,
    inWorldApp: true,
    apiBase: '',
    pay: async (input) => (paid.push(input), { transactionId: '0xworldapp1' }),
    show: (s) => screens.push(s),
    sleep: async (ms) => void slept.push(ms),
    pendingDelaysMs: [10, 20],
    screens,
    paid,
    slept,
    ...over,
  };
}

describe('runPayFlow', () => {
  it('pays the requested amount with MiniKit and posts the World App transaction id to the cloud', async () => {
    const c = cloud([{ status: 200, body: { payment_status: 'confirmed' } }]);
    const d = deps({ fetch: c.fetch });
    expect(await runPayFlow(d)).toEqual({ kind: 'paid' });
    expect(d.paid).toEqual([{ reference: REQUEST.reference, to: REQUEST.to, tokens: [{ symbol: 'USDCE', token_amount: '5250000' }], description: REQUEST.description }]);
    expect(c.posts).toEqual([{ transaction_id: '0xworldapp1' }]);
    expect(d.screens.map((s) => s.kind)).toEqual(['loading', 'paying', 'confirming', 'paid']);
  });

  it('says plainly that it must be opened in World App, and calls nothing, outside World App', async () => {
    const c = cloud([]);
    const d = deps({ fetch: c.fetch, inWorldApp: false });
    expect(await runPayFlow(d)).toEqual({ kind: 'outside_world_app' });
    expect(d.paid).toEqual([]);
    expect(c.posts).toEqual([]);
  });

  it('repeats the post while the cloud says pending, then reports still pending when the waits run out', async () => {
    const pending = { status: 202, body: { payment_status: 'pending' } };
    const c = cloud([pending, pending, pending]);
    const d = deps({ fetch: c.fetch });
    expect(await runPayFlow(d)).toEqual({ kind: 'still_pending' });
    expect(c.posts).toHaveLength(3);
    expect(d.slept).toEqual([10, 20]);
  });

  it('retries a post lost to a 5xx and then shows paid', async () => {
    const c = cloud([{ status: 503, body: {} }, { status: 200, body: { payment_status: 'confirmed' } }]);
    expect(await runPayFlow(deps({ fetch: c.fetch }))).toEqual({ kind: 'paid' });
    expect(c.posts).toHaveLength(2);
  });

  it('retries a post answered 429 (the transaction\'s portal lookups are spent) until the cloud takes it', async () => {
    const limited = { status: 429, body: { error: { code: 'rate_limited', message: 'too many payment checks for this cash-out' } } };
    const c = cloud([limited, limited, { status: 200, body: { payment_status: 'confirmed' } }]);
    const d = deps({ fetch: c.fetch });
    expect(await runPayFlow(d)).toEqual({ kind: 'paid' });
    expect(c.posts).toHaveLength(3);
    expect(d.slept).toEqual([10, 20]);
  });

  it("shows the cloud's refusal message and treats a cancelled payment as nothing charged", async () => {
    const refused = cloud([{ status: 422, body: { error: { code: 'payment_invalid', message: 'payment went to another address' } } }]);
    expect(await runPayFlow(deps({ fetch: refused.fetch }))).toEqual({ kind: 'error', message: 'payment went to another address' });
    const c = cloud([]);
    const cancelled = deps({ fetch: c.fetch, pay: async () => Promise.reject(Object.assign(new Error('Payment failed'), { code: 'user_rejected' })) });
    expect(await runPayFlow(cancelled)).toEqual({ kind: 'cancelled' });
    expect(c.posts).toEqual([]);
  });

  it('refuses a malformed payment request or transaction id before asking World App to pay', async () => {
    for (const [request, id] of [[{ ...REQUEST, to: 'roluatm.eth' }, ID], [{ ...REQUEST, token: 'DOGE' }, ID], [REQUEST, '../../etc'], [REQUEST, '"><script>']] as const) {
      const d = deps({ fetch: cloud([], request).fetch, transactionId: id });
      expect((await runPayFlow(d)).kind).toBe('error');
      expect(d.paid).toEqual([]);
    }
  });
});
