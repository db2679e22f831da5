import { z } from 'zod';
import { kioskCommands, type KioskApi, type KioskCommandName } from '../contract/kiosk-api';
import type { Result } from '../contract/result';

/**
 * The IPC request body on channel 'kiosk:call' and how the main process checks it before the core
 * sees it (STYLE.md: never IPC that accepts any method name the renderer sends). Pure: no Electron.
 */
export { BRIDGE_CALL_CHANNEL as KIOSK_CALL_CHANNEL, BRIDGE_STATE_CHANNEL as KIOSK_STATE_CHANNEL } from './bridge';

const CallBodySchema = z.strictObject({ method: z.string().max(64), params: z.unknown() });

export type CheckedCall = { method: KioskCommandName; params: unknown };

function isCommandName(name: string): name is KioskCommandName {
  return Object.prototype.hasOwnProperty.call(kioskCommands, name);
}

/**
 * Checks `{method, params}`: the method must be a contract command (own key of `kioskCommands`, so
 * `__proto__`, `constructor`, `onState` are refused) and params must match that command's schema.
 */
export function checkKioskCall(raw: unknown): Result<CheckedCall> {
  const body = CallBodySchema.safeParse(raw);
  if (!body.success) {
    return { ok: false, error: { code: 'bad_request', message: 'A kiosk call is {method, params}; reload the screen.' } };
  }
  const { method } = body.data;
  if (!isCommandName(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `No kiosk command named "${method.slice(0, 64)}".` } };
  }
  const params = kioskCommands[method].params.safeParse(body.data.params ?? {});
  if (!params.success) {
    return { ok: false, error: { code: 'invalid_params', message: `Bad parameters for ${method}: ${params.error.issues.map((i) => i.message).join('; ')}` } };
  }
  return { ok: true, value: { method, params: params.data } };
}

/**
 * Checks then calls the core. A core that throws (it should return a Result) becomes
 * `{ok:false, code:'internal'}`; the renderer never sees a stack or a message from deep inside.
 */
export async function dispatchKioskCall(
  api: KioskApi,
  raw: unknown,
  onInternalError: (cause: unknown, method: string) => void,
): Promise<Result<unknown>> {
  const checked = checkKioskCall(raw);
  if (!checked.ok) return checked;
  const { method, params } = checked.value;
  try {
    const call = api[method] as (p: unknown) => Promise<Result<unknown>>;
    return await call.call(api, params);
  } catch (cause) {
    onInternalError(cause, method);
    return { ok: false, error: { code: 'internal', message: 'The kiosk hit an internal error; please try again or call staff.' } };
  }
}
