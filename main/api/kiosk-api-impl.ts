import type { Logger } from 'pino';
import { kioskCommands, type KioskApi, type KioskCommandName, type KioskState } from '../../contract/kiosk-api';
import { err, type Result } from '../../contract/result';

/**
 * Builds the KioskApi (contract/kiosk-api.ts) from one handler per command. Params are checked
 * with the contract's zod schemas; a handler's throw becomes an error Result — nothing throws
 * across the boundary (STYLE.md, Signal-Desktop).
 */
export type KioskHandlers = {
  [N in KioskCommandName]: (params: Parameters<KioskApi[N]>[0]) => Result<unknown> | Promise<Result<unknown>>;
};

export function createKioskApi(opts: {
  handlers: KioskHandlers;
  subscribe: (listener: (state: KioskState) => void) => () => void;
  log: Logger;
}): KioskApi {
  const api = { onState: opts.subscribe } as Partial<KioskApi> & Pick<KioskApi, 'onState'>;
  for (const name of Object.keys(kioskCommands) as KioskCommandName[]) {
    (api as Record<string, unknown>)[name] = (params: unknown) => callCommand(opts, name, params);
  }
  return api as KioskApi;
}

/** Runs one command by name with unchecked params (what a wire message carries). */
export async function callCommand(
  opts: { handlers: KioskHandlers; log: Logger },
  name: KioskCommandName,
  params: unknown,
): Promise<Result<unknown>> {
  const spec = kioskCommands[name];
  if (!spec) return err('unknown_method', `no such command: ${String(name)}`);
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) return err('invalid_params', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  try {
    const handler = opts.handlers[name] as (p: unknown) => Result<unknown> | Promise<Result<unknown>>;
    return await handler(parsed.data);
  } catch (e) {
    opts.log.error({ err: e, command: name }, 'kiosk command failed');
    return err('internal', 'the kiosk could not do that; please try again');
  }
}
