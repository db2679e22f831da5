import type { Logger } from 'pino';

/**
 * A simulator program's shutdown: on the first SIGINT/SIGTERM it logs, runs `stop` once and exits
 * 0 (1 when stopping fails). A signal that arrives while the simulator is still starting waits for
 * `started()`, so nothing half-started (a socat pty, a listening port) is left behind.
 */
export function exitOnSignal(log: Logger, what: string, stop: () => Promise<unknown>, fields: () => Record<string, unknown> = () => ({})): { started(): void } {
  let ready = false;
  let signalled: string | null = null;
  const run = (): void => {
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: string): void => {
    if (signalled) return;
    signalled = signal;
    log.info({ signal, ...fields() }, `stopping ${what}`);
    if (ready) run();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return {
    started() {
      ready = true;
      if (signalled) run();
    },
  };
}
