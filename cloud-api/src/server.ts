import { ConfigError, describeConfig, parseCloudConfig } from './config';
import { createCloudLogger } from './log';
import { startCloud } from './start-cloud';

/** `npm run cloud`: config from env (parsed once, here), then serve until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const log = createCloudLogger();
  let config;
  try {
    config = parseCloudConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      log.fatal(e.message);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  log.info({ config: describeConfig(config) }, 'starting cloud API');
  if (config.WORLD_ID_ALLOW_STAGING) log.warn('WORLD_ID_ALLOW_STAGING=1: staging World ID apps and results are accepted (demo and tests only)');
  const cloud = await startCloud(config, { log });
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    cloud.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('cloud API failed to start:', err);
  process.exit(1);
});
