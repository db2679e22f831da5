import type { AdminStatus } from '../../contract/admin-api';
import { reservedCoins } from '../db/transactions';
import type { DispenserHealth } from '../hardware/dispenser';
import { readHealth } from '../kiosk/kiosk-status';
import type { AdminContext } from './admin-deps';

/**
 * The admin screen's status (contract/admin-api.ts AdminStatusSchema), read from SQLite, the
 * dispenser and the pusher; works offline. While the hopper is busy paying, its health is the last
 * one read (never a poll in the middle of a payout). Nothing secret: no token, no PIN.
 */
export const RECENT_LOG_LINES = 50;

export function createStatusReader(c: AdminContext): () => Promise<AdminStatus> {
  let last: DispenserHealth | null = null;
  async function health(): Promise<DispenserHealth> {
    if (!c.runner.busy && !c.dispenser.busy) last = await readHealth(c.dispenser);
    return last ?? { connected: false, identity: null, faults: [], level: 'unknown' };
  }
  return async () => {
    const h = await health();
    const sync = c.pusher.status();
    const net = c.network();
    const enrollment = c.enrollment();
    return {
      hopper: { connected: h.connected, identity: h.identity, faults: [...h.faults], level: h.level, port: c.config.hopper.path },
      inventory: {
        coins: c.journal.getInventory(),
        reserved: Math.max(0, reservedCoins(c.db)),
        paid_total: c.journal.coinsPaidTotal(),
      },
      in_doubt: c.journal.openIntents().map((i) => ({
        intent_id: i.id, job_id: i.jobId, coins: i.coins, created_at: i.createdAt,
        event_counter_before: i.eventCounter, dispense_count_before: i.dispenseCount, hopper_serial: i.hopperSerial,
      })),
      sync: {
        outbox_depth: sync.outbox_depth,
        oldest_unsynced_at: sync.oldest_unsynced_at,
        last_success_at: sync.last_success_at,
        quarantined: sync.quarantined,
      },
      network: { online: net.online, cloud_url: c.config.cloudUrl, last_contact_at: net.lastContactAt },
      enrolment: { kiosk_id: enrollment?.kiosk_id ?? null, name: c.config.kioskName },
      software: { version: c.version, build: c.config.build },
      recent_log: c.recentLog().slice(-RECENT_LOG_LINES),
    };
  };
}
