import type { AdminStatus } from '../../contract/admin-api';

/** A valid AdminStatus for the admin screen tests; `patch` replaces top-level fields. */
export function sampleAdminStatus(patch: Partial<AdminStatus> = {}): AdminStatus {
  return {
    hopper: {
      connected: true,
      identity: { manufacturer: 'SUZOHAPP', category: 'Payout', product: 'Flow', serial: 1234567, software: '1.2' },
      faults: [],
      level: 'ok',
      port: '/dev/ttyUSB0',
    },
    inventory: { coins: 380, reserved: 20, paid_total: 120 },
    in_doubt: [],
    sync: { outbox_depth: 3, oldest_unsynced_at: '2026-01-01T10:00:00.000Z', last_success_at: null, quarantined: 0 },
    network: { online: false, cloud_url: 'https://cloud.example.test', last_contact_at: null },
    enrolment: { kiosk_id: '01937a4e-7b1c-7000-8000-0000000000aa', name: 'lobby' },
    software: { version: '0.1.0', build: 'abc1234' },
    recent_log: [{ time: '2026-01-01T10:00:00.000Z', level: 'warn', msg: 'cloud not reachable' }],
    ...patch,
  };
}
