import { startUiServer } from './api/ws-server';
import { bootKiosk } from './boot';
import { ConfigError } from './config';
import { DataFolderLockedError } from './hardware/data-folder-lock';

/**
 * `npm run kiosk` (ARCHITECTURE.md "Commands"): the kiosk core in browser mode. Prints one line
 * `KIOSK_URL=<url>` on stdout; logs go to stderr. SIGTERM/SIGINT stop it gracefully and never in
 * the middle of a payout: the payout in progress settles first. The core boots through
 * main/boot.ts, exactly as the Electron shell boots it.
 */
async function main(): Promise<void> {
  let kiosk;
  try {
    kiosk = await bootKiosk(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError) && !(e instanceof DataFolderLockedError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(e instanceof DataFolderLockedError ? 3 : 2);
  }
  const { api, config, log } = kiosk;
  const ui = await startUiServer({ api, host: config.ui.host, port: config.ui.port, token: config.ui.token, log: log.child({ part: 'ui' }) });
  process.stdout.write(`KIOSK_URL=${ui.url}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: waiting for any payout in progress to finish');
    await ui.close();
    await kiosk.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`kiosk failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
