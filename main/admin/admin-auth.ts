import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import { err, ok, type Result } from '../../contract/result';
import { getPinHash, getPinLockout, NO_LOCKOUT, savePinHash, savePinLockout, type PinLockout } from '../db/admin-state';
import type { KioskDb } from '../db/open-db';
import type { Timers } from '../sync/backoff';
import { recordAdminAction } from './admin-audit';
import { hashPin, verifyPin } from './pin-hash';

/**
 * Technician PIN and admin session (issue 6 "a PIN on an on-screen keypad; PIN stored hashed
 * (scrypt); lockout after 5 wrong tries with a growing delay").
 * - Every 5th wrong try in a row starts a lockout of 30 s · 2^(n−1) (30 s, 60 s, 120 s …, at most
 *   1 h), n counting lockouts since the last correct PIN. Counter and lockout live in SQLite and
 *   each try is counted BEFORE the PIN is checked, so neither a restart nor a crash resets them.
 * - Tries run one at a time; a try during a lockout is refused without checking the PIN.
 * - A correct PIN opens a session that closes after `sessionSec` without a command (idle expiry,
 *   injected clock) or on lock; a restart closes it (it lives in memory only).
 * - No PIN stored and none configured: the admin screen refuses ('pin_not_set') until ADMIN_PIN is
 *   set and the kiosk restarted; ADMIN_PIN is read only when no PIN is stored (first start).
 */
export const MAX_TRIES = 5;
export const BASE_LOCKOUT_SEC = 30;
export const MAX_LOCKOUT_SEC = 3600;

export interface AdminAuthDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  timers: Timers;
  sessionSec: number;
  /** Told when the session opens or closes (the state's admin_open changes). */
  onChange: () => void;
}

export function lockoutSeconds(lockouts: number): number {
  return Math.min(MAX_LOCKOUT_SEC, BASE_LOCKOUT_SEC * 2 ** Math.max(0, lockouts - 1));
}

/** First start only: stores the configured PIN's hash when none is stored. Returns whether it did. */
export async function seedAdminPin(db: KioskDb, clock: Clock, pin: string | null): Promise<boolean> {
  if (pin === null || getPinHash(db) !== null) return false;
  const hash = await hashPin(pin);
  return db.transaction(() => {
    if (getPinHash(db) !== null) return false;
    recordAdminAction(db, clock, 'pin_set', { source: 'config' }, () => savePinHash(db, hash));
    return true;
  })();
}

export class AdminAuth {
  private expiresAt: number | null = null;
  private expiryTimer: unknown = null;
  private tries: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: AdminAuthDeps) {}

  /** True while a session is open and not idle for longer than sessionSec. */
  isOpen(): boolean {
    return this.expiresAt !== null && this.d.clock.now().getTime() < this.expiresAt;
  }

  /** Extends an open session (each admin command); false when there is none. */
  touch(): boolean {
    if (!this.isOpen()) {
      if (this.expiresAt !== null) this.close();
      return false;
    }
    this.open();
    return true;
  }

  unlock(pin: string): Promise<Result<{ expires_at: string }>> {
    const run = this.tries.then(() => this.tryPin(pin));
    this.tries = run.catch(() => undefined);
    return run;
  }

  lock(): void {
    if (this.expiresAt === null) return;
    recordAdminAction(this.d.db, this.d.clock, 'lock', {});
    this.close();
  }

  async changePin(newPin: string): Promise<void> {
    const hash = await hashPin(newPin);
    recordAdminAction(this.d.db, this.d.clock, 'pin_changed', {}, () => {
      savePinHash(this.d.db, hash);
      savePinLockout(this.d.db, NO_LOCKOUT);
    });
  }

  stop(): void {
    if (this.expiryTimer !== null) this.d.timers.clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private async tryPin(pin: string): Promise<Result<{ expires_at: string }>> {
    const { db, clock } = this.d;
    const stored = getPinHash(db);
    if (!stored) return err('pin_not_set', 'no technician PIN is set on this kiosk: set ADMIN_PIN in its configuration and restart it');
    const before = getPinLockout(db);
    const now = clock.now().getTime();
    if (before.locked_until !== null && now < Date.parse(before.locked_until)) return lockedOut(before.locked_until, now);
    const counted: PinLockout = { ...before, failures: before.failures + 1, locked_until: null };
    savePinLockout(db, counted); // counted before checking: a crash mid-check still counts the try
    if (await verifyPin(pin, stored)) {
      recordAdminAction(db, clock, 'unlock', {}, () => savePinLockout(db, NO_LOCKOUT));
      this.open();
      return ok({ expires_at: new Date(this.expiresAt ?? now).toISOString() });
    }
    return this.wrongPin(counted);
  }

  private wrongPin(counted: PinLockout): Result<{ expires_at: string }> {
    const { db, clock } = this.d;
    const now = clock.now().getTime();
    if (counted.failures < MAX_TRIES) {
      recordAdminAction(db, clock, 'pin_wrong', { failures: counted.failures });
      const left = MAX_TRIES - counted.failures;
      return err('pin_wrong', `wrong PIN: ${left} ${left === 1 ? 'try' : 'tries'} left before the admin screen locks for a while`);
    }
    const lockouts = counted.lockouts + 1;
    const until = new Date(now + lockoutSeconds(lockouts) * 1000).toISOString();
    recordAdminAction(db, clock, 'locked_out', { lockouts, locked_until: until }, () =>
      savePinLockout(db, { failures: 0, lockouts, locked_until: until }),
    );
    this.d.log.warn({ lockouts, lockedUntil: until }, 'admin PIN locked after too many wrong tries');
    return lockedOut(until, now);
  }

  private open(): void {
    const wasOpen = this.isOpen();
    this.expiresAt = this.d.clock.now().getTime() + this.d.sessionSec * 1000;
    this.schedule(this.d.sessionSec * 1000);
    if (!wasOpen) this.d.onChange();
  }

  private close(): void {
    this.expiresAt = null;
    this.stop();
    this.d.onChange();
  }

  /** A real timer only makes the screen close on time; the clock decides whether it is open. */
  private schedule(ms: number): void {
    this.stop();
    this.expiryTimer = this.d.timers.setTimeout(() => {
      this.expiryTimer = null;
      if (this.expiresAt === null) return;
      const left = this.expiresAt - this.d.clock.now().getTime();
      if (left <= 0) this.close();
      else this.schedule(left);
    }, ms);
  }
}

function lockedOut(until: string, now: number): Result<never> {
  const secs = Math.max(1, Math.ceil((Date.parse(until) - now) / 1000));
  return err('locked_out', `too many wrong PINs: try again in ${secs} s (after ${until})`);
}
