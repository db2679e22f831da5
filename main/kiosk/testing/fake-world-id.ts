import { newId } from '../../../contract/clock';
import { fakeWorldIdResult } from '../../../cloud-api/src/testing/world-id-result';
import type { StartWorldIdRequest, WorldIdRequestOptions, WorldIdWaitResult } from '../world-id-port';

/**
 * A World ID request a test answers by hand (the real one is main/worldid/request.ts over the
 * bridge simulator). `answer()` resolves the open wait; an abort resolves it as 'cancelled'.
 * `approve()` answers with the result the simulated phone would make for the last request (a new
 * person each time), which the real cloud verifies against the fake Developer Portal.
 */
export function fakeWorldId() {
  const requests: WorldIdRequestOptions[] = [];
  let resolveWait: ((r: WorldIdWaitResult) => void) | null = null;
  const start: StartWorldIdRequest = async (opts) => {
    requests.push(opts);
    return {
      connectorURI: `https://world.org/verify?t=wld&i=${requests.length}&k=key`,
      requestId: String(requests.length),
      wait: ({ abort }) =>
        new Promise<WorldIdWaitResult>((resolve) => {
          resolveWait = resolve;
          const onAbort = () => {
            resolveWait = null;
            resolve({ ok: false, code: 'cancelled', message: 'cancelled' });
          };
          abort?.addEventListener('abort', onAbort, { once: true });
        }),
    };
  };
  return {
    start,
    requests,
    get waiting() {
      return resolveWait !== null;
    },
    answer(r: WorldIdWaitResult) {
      const w = resolveWait;
      resolveWait = null;
      w?.(r);
    },
    approve(identity: string = newId()) {
      const last = requests.at(-1);
      if (!last) throw new Error('no World ID request to approve');
      this.answer({ ok: true, result: fakeWorldIdResult({ signal: last.signal, action: last.action, nonce: last.rpContext.nonce, identity }) });
    },
  };
}
