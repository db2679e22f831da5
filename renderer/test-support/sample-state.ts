import type { FlowState, KioskState } from '../../contract/kiosk-api';

/** A valid idle KioskState for tests; `patch` replaces top-level fields. */
export function sampleState(patch: Partial<KioskState> = {}): KioskState {
  return {
    flow: { screen: 'idle' },
    online: true,
    out_of_service: null,
    hopper: { connected: true, ok: true, serial: 1234567, faults: [], coins_available: 400 },
    free_coins: 400,
    limits: { min_cents: 100, max_cents: 5000, presets_cents: [500, 1000, 2000, 4000] },
    fee: { flat_cents: 50, bps: 100 },
    payment_mode: 'world_app',
    support_contact: '+1 555 0100 · help@rolu.example',
    day_time_zone: 'UTC',
    version: '0.1.0',
    demo_phone_url: null,
    admin_open: false,
    ...patch,
  };
}

const tx = { transaction_id: '01937a4e-7b1c-7000-8000-000000000001', kind: 'cash_out' as const, amount_cents: 1000, fee_cents: 60, total_cents: 1060, coins: 40 };

/** A claim (issue 15, collect) after the cloud found 28 coins owed here. */
const claim = { transaction_id: '01937a4e-7b1c-7000-8000-000000000002', kind: 'claim' as const, amount_cents: 700, fee_cents: 0, total_cents: 700, coins: 28 };

/** One valid FlowState per screen, for the screen tests and the visual check. */
export const sampleFlows: { [S in FlowState['screen']]: Extract<FlowState, { screen: S }> } = {
  idle: { screen: 'idle' },
  registering: { screen: 'registering', kind: 'cash_out', amount_cents: 1000 },
  scan: {
    screen: 'scan',
    ...tx,
    connector_uri: 'https://world.org/verify?t=wld&i=abc&k=key',
    qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><path d="M0 0h2v2H0z"/></svg>',
    expires_at: '2026-01-01T00:05:00.000Z',
    extensions_left: 2,
  },
  verifying: { screen: 'verifying', ...tx },
  waiting_payment: {
    screen: 'waiting_payment',
    ...tx,
    payment_url: 'https://example.test/pay/abc',
    payment_qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><path d="M0 0h2v2H0z"/></svg>',
    expires_at: '2026-01-01T00:05:00.000Z',
    extensions_left: 2,
  },
  confirming_payment: { screen: 'confirming_payment', ...tx, expires_at: '2026-01-01T00:10:00.000Z' },
  collecting: { screen: 'collecting', ...claim, coins_left_owed: 12 },
  nothing_owed: { screen: 'nothing_owed', transaction_id: claim.transaction_id },
  dispensing: { screen: 'dispensing', ...tx, coins_paid: 17 },
  done: { screen: 'done', ...tx, coins_paid: 40, coins_owed: 0, receipt_code: 'K7Q-4XZ' },
  error: {
    screen: 'error',
    error: { code: 'hopper_jam', message: 'The coin dispenser jammed.' },
    next_step: 'Please ask staff for help; your payment is safe.',
    transaction_id: tx.transaction_id,
    coins_owed: 23,
    coins_paid: 17,
    receipt_code: 'K7Q-4XZ',
  },
};
