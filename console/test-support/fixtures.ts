import type { AttentionItem, AuditEvent, Credit, KioskDetail, KioskRow, OperatorView, TxRow } from '../api/schemas';

/** Sample answers in the contract's shapes (contract/console-api.ts), for the console's component tests. */
export const KIOSK_ID = '01900000-0000-7000-8000-000000000001';
export const TX_ID = '01900000-0000-7000-8000-0000000000aa';
const T = '2026-12-02T15:00:00.000Z';

export const operator = (role: OperatorView['role'] = 'operator', patch: Partial<OperatorView> = {}): OperatorView => ({
  email: `${role}@example.com`,
  role,
  must_change_password: false,
  totp_enabled: false,
  disabled: false,
  created_at: T,
  last_login_at: T,
  ...patch,
});

export const kiosk = (patch: Partial<KioskRow> = {}): KioskRow => ({
  id: KIOSK_ID,
  name: 'Main St',
  created_at: T,
  last_seen_at: T,
  revoked_at: null,
  heartbeat_at: T,
  coins_available: 340,
  hopper_ok: true,
  outbox_depth: 0,
  version: '0.1.0',
  open_jobs: 0,
  silent: false,
  health: 'ok',
  low_coins: false,
  out_of_service_reason: null,
  desired_config_version: 1,
  applied_config_version: 1,
  ...patch,
});

export const tx = (patch: Partial<TxRow> = {}): TxRow => ({
  id: TX_ID,
  kiosk_id: KIOSK_ID,
  kind: 'cash_out',
  amount_cents: 1000,
  fee_cents: 50,
  total_cents: 1050,
  coins: 40,
  status: 'completed',
  coins_paid: 40,
  created_at: T,
  expires_at: T,
  payment_status: null,
  job: null,
  receipt_code: '3FA9-0C21',
  ...patch,
} as TxRow);

export const kioskDetail = (patch: Partial<KioskDetail> = {}): KioskDetail => ({
  kiosk: kiosk(),
  config: { desired_version: 2, desired: { in_service: false, reason: 'refill', overrides: {} }, applied_version: 1, applied_at: T },
  transactions: [],
  events: [{ seq: 7, type: 'hopper.fault', payload: { code: 'jam' }, occurred_at: T, received_at: T, flagged: null }],
  hopper_faults: [{ seq: 7, type: 'hopper.fault', payload: { code: 'jam' }, occurred_at: T, received_at: T, flagged: null }],
  ...patch,
});

export const credit = (patch: Partial<Credit> = {}): Credit => ({
  id: '01900000-0000-7000-8000-0000000000cc',
  transaction_id: TX_ID,
  kiosk_id: KIOSK_ID,
  reason: 'partial_payout',
  amount_cents: 250,
  coins: 10,
  coins_collected: 0,
  state: 'open',
  created_at: T,
  updated_at: T,
  settled_by: null,
  settle_reference: null,
  settle_reason: null,
  ...patch,
});

export const attention = (patch: Partial<AttentionItem> = {}): AttentionItem => ({
  kind: 'credit_open',
  kiosk_id: KIOSK_ID,
  transaction_id: TX_ID,
  ref_id: 'r1',
  since: T,
  detail: {},
  action: { label: 'Settle the credit', method: 'GET', path: '/v1/fleet/credits' },
  ...patch,
});

export const audit = (patch: Partial<AuditEvent> = {}): AuditEvent => ({
  id: '01900000-0000-7000-8000-0000000000dd',
  at: T,
  actor: 'operator@example.com',
  action: 'kiosk.service',
  target: KIOSK_ID,
  details: { in_service: false },
  ...patch,
});
