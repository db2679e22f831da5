import type { HopperHealth } from '../../contract/kiosk-api';
import type { z } from 'zod';
import type { OutOfServiceReasonSchema } from '../../contract/kiosk-api';
import type { Dispenser, DispenserFault, DispenserHealth } from '../hardware/dispenser';

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

/**
 * The hopper as a short payout left it. A jam, opto or empty fault latches in the hopper until a
 * reset or power cycle (cctalk-hopper.md "Several flags need a reset before the next payout"), and
 * the next 167 would be NAKed: so the kiosk goes out of service at once, before the customer screen
 * ends, and not only when the next health read (which confirms or clears it) comes back
 * (PRODUCT.md: never take money for a payout the kiosk cannot make).
 */
export function afterShortPayout(h: HopperHealth, fault: DispenserFault | null): HopperHealth {
  if (fault === null || HARMLESS_FAULTS.has(fault)) return h;
  return { ...h, ok: false, faults: h.faults.includes(fault) ? [...h.faults] : [...h.faults, fault] };
}

export const UNKNOWN_HOPPER: HopperHealth = { connected: false, ok: false, serial: null, faults: [], coins_available: 0 };

/** Why new cash-outs cannot start, in the order a person can fix them; null when they can. */
export function outOfService(input: {
  enrolled: boolean;
  online: boolean;
  hopper: HopperHealth;
  /** contract/amount-rules.ts canPaySmallest: the free coins cover the smallest amount. */
  canPaySmallest: boolean;
}): OutOfServiceReason | null {
  if (!input.enrolled) return 'not_enrolled';
  if (!input.hopper.ok) return 'hopper';
  if (!input.canPaySmallest) return 'empty';
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
