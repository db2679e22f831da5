import type { StartWorldIdRequest, WorldIdRequestOptions, WorldIdWaitResult } from '../world-id-port';

/**
 * A World ID request a test answers by hand (the real one is main/worldid/request.ts over the
 * bridge simulator). `answer()` resolves the open wait; an abort resolves it as 'cancelled'.
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
    approve() {
      this.answer({ ok: true, result: { protocol_version: '4.0', nonce: 'n1', action: 'cash-out', responses: [] } });
    },
  };
}
