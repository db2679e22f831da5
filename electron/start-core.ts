import type { KioskApi } from '../contract/kiosk-api';
import { bootKiosk } from '../main/boot';
import type { KioskConfig } from '../main/config';

/**
 * Starts the SAME kiosk core browser mode runs, through the one boot path (main/boot.ts), minus
 * the loopback UI server: here the renderer talks over IPC. `stop()` waits for a payout in progress
 * (main/kiosk-app.ts), then closes the database. Throws ConfigError (code config_invalid) naming
 * every bad variable.
 */
export async function startCore(env: Record<string, string | undefined> = process.env): Promise<{ api: KioskApi; stop(): Promise<void>; config: KioskConfig }> {
  const { api, stop, config } = await bootKiosk(env, { name: 'kiosk' });
  return { api, stop, config };
}
