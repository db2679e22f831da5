import type { HopperHealth } from '../../contract/kiosk-api';
import type { z } from 'zod';
import type { OutOfServiceReasonSchema } from '../../contract/kiosk-api';
import type { Dispenser, DispenserHealth } from '../hardware/dispenser';

export type OutOfServiceReason = z.infer<typeof OutOfServiceReasonSchema>;

/** Faults that do not stop a payout: a power-up flag is cleared by the driver's reset. */
const HARMLESS_FAULTS = new Set(['power_up']);

export function toHopperHealth(h: DispenserHealth, coinsAvailable: number): HopperHealth {
  const blocking = h.faults.filter((f) => !HARMLESS_FAULTS.has(f));
  return {
    connected: h.connected,
    ok: h.connected && blocking.length === 0,
    serial: h.identity?.serial ?? null,
    faults: [...h.faults],
    coins_available: Math.max(0, coinsAvailable),
  };
}

export const UNKNOWN_HOPPER: HopperHealth = { connected: false, ok: false, serial: null, faults: [], coins_available: 0 };

/** Why new cash-outs cannot start, in the order a person can fix them; null when they can. */
export function outOfService(input: {
  enrolled: boolean;
  online: boolean;
  hopper: HopperHealth;
  freeCoins: number;
  minCoins: number;
}): OutOfServiceReason | null {
  if (!input.enrolled) return 'not_enrolled';
  if (!input.hopper.ok) return 'hopper';
  if (input.freeCoins < input.minCoins) return 'empty';
  if (!input.online) return 'offline';
  return null;
}

/** Reads the dispenser's health; a throw means it cannot be reached. */
export async function readHealth(dispenser: Dispenser): Promise<DispenserHealth> {
  try {
    return await dispenser.health();
  } catch {
    return { connected: false, identity: null, faults: ['no_reply'], level: 'unknown' };
  }
}
