import { SIM_PORTAL_API_KEY, simulatePay, type SimulatePayInput } from '../../../sim/worldid/portal-payments';
import type { FakePortal } from '../../../sim/worldid/portal';
import type { Harness } from './harness';

export const TEST_RECIPIENT = '0x' + 'a1'.repeat(20);

/** Cloud env for PAYMENT_MODE=world_app against a fake portal. */
export function worldAppEnv(portal: FakePortal): Record<string, string> {
  return {
    DEV_PORTAL_BASE_URL: portal.url,
    PAYMENT_MODE: 'world_app',
    DEV_PORTAL_API_KEY: SIM_PORTAL_API_KEY,
    PAYMENT_RECIPIENT: TEST_RECIPIENT,
  };
}

/** World App pays what the cloud asks for (GET payment-request), with optional overrides; returns its transaction id. */
export async function payAsAsked(h: Harness, portal: FakePortal, transactionId: string, o: Partial<SimulatePayInput> = {}): Promise<string> {
  const res = await h.req('GET', `/v1/transactions/${transactionId}/payment-request`);
  if (res.status !== 200) throw new Error(`payment-request failed: ${res.status} ${await res.text()}`);
  const r = (await res.json()) as { reference: string; to: string; token_amount: string };
  return simulatePay({ payments: portal.payments }, { reference: r.reference, to: r.to, token: 'USDCE', amount: r.token_amount, ...o });
}

export function postPayment(h: Harness, transactionId: string, worldAppTxId: string): Promise<Response> {
  return h.req('POST', `/v1/transactions/${transactionId}/payment`, { body: { transaction_id: worldAppTxId } });
}
