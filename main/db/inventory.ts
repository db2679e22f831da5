import type { Clock } from '../../contract/clock';
import { appendEvent } from './events';
import type { KioskDb } from './open-db';

/**
 * Reads of hopper_inventory (coins physically in the hopper as far as the kiosk knows). The payout
 * journal (main/hardware) lowers it by proven payouts; the technician sets it at refill.
 */
export function inventoryCoins(db: KioskDb): number {
  const v = db.prepare('SELECT coins FROM hopper_inventory WHERE id = 1').pluck().get() as number | undefined;
  return v ?? 0;
}

/** First start only: records `coins` as loaded when no inventory was ever recorded. */
export function seedInventoryIfEmpty(db: KioskDb, clock: Clock, coins: number): boolean {
  return db.transaction(() => {
    const now = clock.now().toISOString();
    const info = db.prepare('INSERT INTO hopper_inventory (id, coins, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO NOTHING').run(coins, now);
    if (info.changes === 1) appendEvent(db, clock, { type: 'inventory.seeded', data: { coins } });
    return info.changes === 1;
  })();
}
