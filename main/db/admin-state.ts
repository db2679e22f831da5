import { z } from 'zod';
import { getStateValue, setStateValue } from './kiosk-state';
import type { KioskDb } from './open-db';

/**
 * Technician admin state in kiosk_state (issue 6): the PIN hash with its scrypt parameters, the
 * wrong-PIN counter and lockout (persisted, so a restart never resets them), and maintenance mode.
 */
export const PinHashSchema = z.strictObject({
  algo: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  keylen: z.number().int().min(16),
  salt: z.string().min(16),
  hash: z.string().min(16),
});
export type PinHash = z.infer<typeof PinHashSchema>;

export const PinLockoutSchema = z.strictObject({
  /** Wrong tries since the last correct PIN or the last lockout. */
  failures: z.number().int().nonnegative(),
  /** Lockouts since the last correct PIN: the next one lasts longer. */
  lockouts: z.number().int().nonnegative(),
  locked_until: z.string().nullable(),
});
export type PinLockout = z.infer<typeof PinLockoutSchema>;

const PIN_KEY = 'admin_pin';
const LOCKOUT_KEY = 'admin_lockout';
const MAINTENANCE_KEY = 'maintenance';
export const NO_LOCKOUT: PinLockout = { failures: 0, lockouts: 0, locked_until: null };

export function getPinHash(db: KioskDb): PinHash | null {
  const raw = getStateValue(db, PIN_KEY);
  return raw === undefined ? null : PinHashSchema.parse(raw);
}

export function savePinHash(db: KioskDb, hash: PinHash): void {
  setStateValue(db, PIN_KEY, PinHashSchema.parse(hash));
}

export function getPinLockout(db: KioskDb): PinLockout {
  const raw = getStateValue(db, LOCKOUT_KEY);
  return raw === undefined ? NO_LOCKOUT : PinLockoutSchema.parse(raw);
}

export function savePinLockout(db: KioskDb, lockout: PinLockout): void {
  setStateValue(db, LOCKOUT_KEY, PinLockoutSchema.parse(lockout));
}

export function getMaintenance(db: KioskDb): boolean {
  return getStateValue(db, MAINTENANCE_KEY) === true;
}

export function setMaintenance(db: KioskDb, on: boolean): void {
  setStateValue(db, MAINTENANCE_KEY, on);
}
