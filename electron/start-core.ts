import { systemClock } from '../contract/clock';
import type { KioskApi } from '../contract/kiosk-api';
import { parseKioskConfig } from '../main/config';
import { createCcTalkDispenser } from '../main/hardware/cctalk-dispenser';
import { startKioskApp } from '../main/kiosk-app';
import { createLogger, type Logger } from '../main/log';

/**
 * Starts the SAME kiosk core browser mode runs (main/kiosk-app.ts), with config from env
 * (main/config.ts) and the ccTalk dispenser. The only Electron-specific part is who calls it.
 */
export async function startCore(log: Logger): Promise<{ api: KioskApi; stop(): Promise<void> }> {
  const config = parseKioskConfig(process.env);
  const coreLog = createLogger('kiosk', config.logLevel);
  const dispenser = createCcTalkDispenser(config);
  log.info({ hopper: config.hopper.path, cloud: config.cloudUrl }, 'starting kiosk core');
  return startKioskApp(config, { clock: systemClock, log: coreLog, dispenser });
}
