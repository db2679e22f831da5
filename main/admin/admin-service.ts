import { err, ok, type Result } from '../../contract/result';
import { getMaintenance } from '../db/admin-state';
import { AdminAuth } from './admin-auth';
import type { AdminContext, AdminDeps } from './admin-deps';
import type { AdminHandlers } from './admin-handlers-type';
import { refill, resetHopper, settleInDoubt, testDispense } from './admin-hopper';
import { settleByHand } from './admin-settle-by-hand';
import { createStatusReader } from './admin-status';
import { changePin, enroll, restart, setMaintenanceMode, syncNow } from './admin-system';

/**
 * The technician admin services behind contract/admin-api.ts (issue 6). Every command but
 * adminUnlock needs an open session ('admin_locked' otherwise) and extends it. The admin screen and
 * the customer flow exclude each other: unlock is refused while a customer is mid-flow, and the core
 * refuses startCashOut while `isOpen()` (main/kiosk-app.ts).
 */
export interface AdminService {
  handlers: AdminHandlers;
  isOpen(): boolean;
  /** Maintenance mode on (persisted): the customer state shows out_of_service 'maintenance'. */
  maintenance(): boolean;
  stop(): void;
}

const LOCKED = (): Result<never> => err('admin_locked', 'the admin screen is locked: enter the technician PIN');

export function createAdminService(deps: AdminDeps): AdminService {
  const auth = new AdminAuth({ db: deps.db, clock: deps.clock, log: deps.log, timers: deps.timers, sessionSec: deps.config.adminSessionSec, onChange: deps.onChange });
  const c: AdminContext = { ...deps, auth };
  const status = createStatusReader(c);

  /** Runs `fn` only inside an open session (and extends it). */
  function guarded<P, V>(fn: (p: P) => Result<V> | Promise<Result<V>>): (p: P) => Promise<Result<V>> {
    return async (p) => (auth.touch() ? fn(p) : LOCKED());
  }

  const handlers: AdminHandlers = {
    adminUnlock: ({ pin }) => {
      if (deps.customerActive()) return err('customer_active', 'a customer is using the kiosk: wait until the screen is back to the start');
      return auth.unlock(pin);
    },
    adminLock: guarded(() => (auth.lock(), ok({}))),
    adminStatus: guarded(async () => ok(await status())),
    adminRefill: guarded(({ coins }) => refill(c, coins)),
    adminEmpty: guarded(() => refill(c, 0)),
    adminTestDispense: guarded(() => testDispense(c)),
    adminSettleInDoubt: guarded(() => settleInDoubt(c)),
    adminSettleByHand: guarded((p) => settleByHand(c, p)),
    adminResetHopper: guarded(() => resetHopper(c)),
    adminSyncNow: guarded(() => syncNow(c)),
    adminEnroll: guarded(({ code, name }) => enroll(c, code, name)),
    adminChangePin: guarded(({ new_pin }) => changePin(c, new_pin)),
    adminRestart: guarded(() => restart(c)),
    adminSetMaintenance: guarded(({ on }) => setMaintenanceMode(c, on)),
  };

  return {
    handlers,
    isOpen: () => auth.isOpen(),
    maintenance: () => getMaintenance(deps.db),
    stop: () => auth.stop(),
  };
}
