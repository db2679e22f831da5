import type { KioskState } from '../../contract/kiosk-api';
import { approve } from '../../sim/worldid/phone';
import { openPaymentRequest } from '../../sim/worldid/phone-pay';
import { simulatePay } from '../../sim/worldid/portal-payments';
import type { KioskCustomer } from './kiosk-customer';
import type { ChaosStack } from './stack';

/**
 * What a customer does at the kiosk and on the phone, step by step, for the scenarios that drive their own
 * customers (session-scenarios.ts). Each step waits on the kiosk's own state pushes (kiosk-customer.ts).
 */
export const txOf = (s: KioskState): string | null => ('transaction_id' in s.flow ? s.flow.transaction_id : null);

/** The flow of `txId` ended (done, error, nothing owed) or the kiosk is back on the welcome. */
const endedFor = (txId: string) => (s: KioskState) => s.flow.screen === 'idle' || (['done', 'error', 'nothing_owed'].includes(s.flow.screen) && txOf(s) === txId);

/** Starts a cash-out of `coins`, or a collect; the new transaction's id. */
export async function start(customer: KioskCustomer, what: { cashOutCoins: number } | 'collect'): Promise<string> {
  const r = what === 'collect' ? await customer.call('startCollect') : await customer.call('startCashOut', { amount_cents: what.cashOutCoins * 25 });
  if (!r.ok) throw new Error(`the kiosk refused to start (${r.error.code}: ${r.error.message})`);
  return (r.value as { transaction_id: string }).transaction_id;
}

/** Waits until `txId` shows one of `screens`; throws when its flow ends first or the time runs out. */
export async function untilScreen(customer: KioskCustomer, txId: string, screens: string[], timeoutMs: number): Promise<KioskState> {
  const s = await customer.waitFor((x) => (screens.includes(x.flow.screen) && txOf(x) === txId) || endedFor(txId)(x), screens.join(' or '), timeoutMs);
  if (!screens.includes(s.flow.screen)) throw new Error(`waiting for ${screens.join(' or ')}, the flow ended on ${s.flow.screen}`);
  return s;
}

/** Waits until the flow of `txId` ended; the screen it ended on. */
export async function untilEnded(customer: KioskCustomer, txId: string, timeoutMs: number): Promise<KioskState> {
  return customer.waitFor(endedFor(txId), 'the end of the flow', timeoutMs);
}

/** The customer scans the QR of `txId` with World App as `identity` and approves. */
export async function scanAndApprove(customer: KioskCustomer, txId: string, identity: string): Promise<void> {
  const scan = await untilScreen(customer, txId, ['scan'], 30_000);
  if (scan.flow.screen !== 'scan') throw new Error('no QR');
  const outcome = await approve(scan.flow.connector_uri, { identity });
  if (outcome.answered !== 'proof') throw new Error(`World App did not approve: ${JSON.stringify(outcome)}`);
}

/**
 * The customer pays in World App and the payment stays `pending` at the Developer Portal (not yet mined);
 * the mini app reports it to the cloud, which answers 202 pending. The World App transaction id, for
 * `stack.payments.setStatus(id, 'mined')` later.
 */
export async function payPending(stack: ChaosStack, txId: string): Promise<string> {
  const ask = await openPaymentRequest({ cloudUrl: stack.cloudUrl, portalUrl: stack.portalUrl }, txId);
  if (typeof ask === 'string') throw new Error(ask);
  const worldAppTxId = await simulatePay({ payments: stack.payments }, {
    reference: ask.reference, to: ask.to, token: ask.token === 'WLD' ? 'WLD' : 'USDCE', amount: ask.token_amount, status: 'pending',
  });
  const res = await fetch(`${stack.cloudUrl}/v1/transactions/${txId}/payment`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transaction_id: worldAppTxId }),
  });
  const body = (await res.json()) as { payment_status?: string };
  if (res.status !== 202 || body.payment_status !== 'pending') throw new Error(`the cloud answered ${res.status} ${JSON.stringify(body)} to a pending payment`);
  return worldAppTxId;
}

/** Polls `read` every 250 ms until it returns a value (not undefined); throws after `timeoutMs`. */
export async function eventually<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
