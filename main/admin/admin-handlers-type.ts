import { adminCommands } from '../../contract/admin-api';
import { err } from '../../contract/result';
import type { KioskHandlers } from '../api/kiosk-api-impl';

/** The admin commands of contract/admin-api.ts, one handler each. */
export type AdminCommandName = keyof typeof adminCommands;
export type AdminHandlers = Pick<KioskHandlers, AdminCommandName>;
export const ADMIN_COMMAND_NAMES = Object.keys(adminCommands) as AdminCommandName[];

/** Handlers that refuse every admin command (a core built without admin services, and API tests). */
export function refusingAdminHandlers(code = 'not_implemented', message = 'the admin screen is not available on this kiosk'): AdminHandlers {
  const h: Partial<Record<AdminCommandName, () => ReturnType<typeof err>>> = {};
  for (const name of ADMIN_COMMAND_NAMES) h[name] = () => err(code, message);
  return h as AdminHandlers;
}
