import type { Exchange, ReplyAction } from '../support/proxy/actions';
import { startTestProxy } from '../support/proxy/proxy';

/**
 * The test proxy in front of the bridge simulator (sim/worldid/bridge.ts, unchanged) for the
 * bridge-reply fuzzer (issue 8 "Fuzzing"). Every request is forwarded as is; the kiosk's polls
 * (`GET /response/:id`) of a request armed with a plan get the plan's reply instead of the bridge's.
 */
export interface BridgeReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the proxy sends back for one poll. */
export type ProxyAction =
  | { kind: 'reply'; reply: BridgeReply; delayMs?: number; trickleMs?: number }
  /** Headers announce the full body, `sendBytes` of it are sent, then the socket is destroyed. */
  | { kind: 'cut'; reply: BridgeReply; sendBytes: number }
  | { kind: 'reset'; afterMs?: number }
  /** Never answers (the socket is dropped when the case is disarmed). */
  | { kind: 'stall' };

/** Decides each armed poll from the bridge's genuine reply; `poll` counts from 0. */
export type PollPlan = (genuine: BridgeReply, poll: number) => ProxyAction | Promise<ProxyAction>;

export interface MutatingProxy {
  url: string;
  arm(requestId: string, plan: PollPlan): void;
  /** Forgets the plan and drops every poll of this request still in flight (stalls, trickles). */
  disarm(requestId: string): void;
  close(): Promise<void>;
}

/** The bridge request a poll asks about, or null for any other request. */
function polledRequest(ex: Exchange): string | null {
  const m = ex.method === 'GET' ? /^\/response\/([^/?]+)/.exec(ex.path) : null;
  return m ? decodeURIComponent(m[1] ?? '') : null;
}

function respond(r: BridgeReply): ReplyAction {
  return { kind: 'respond', status: r.status, headers: r.headers, body: r.body };
}

function toProxyActions(action: ProxyAction): ReplyAction[] {
  switch (action.kind) {
    case 'stall':
      return [{ kind: 'hold' }];
    case 'reset':
      return [{ kind: 'delay', ms: action.afterMs ?? 0 }, { kind: 'drop' }];
    case 'cut':
      return [respond(action.reply), { kind: 'cut', afterBytes: action.sendBytes }];
    case 'reply':
      return [
        respond(action.reply),
        { kind: 'delay', ms: action.delayMs ?? 0 },
        ...(action.trickleMs ? [{ kind: 'trickle', pieces: 8, gapMs: action.trickleMs } as const] : []),
      ];
  }
}

export async function startMutatingProxy(bridgeUrl: string): Promise<MutatingProxy> {
  const plans = new Map<string, { plan: PollPlan; polls: number }>();
  const proxy = await startTestProxy({ target: bridgeUrl });
  proxy.hooks = {
    async reply(ex, answer) {
      const id = polledRequest(ex);
      const armed = id === null ? undefined : plans.get(id);
      if (!armed) return;
      const type = answer.headers['content-type'];
      const genuine: BridgeReply = { status: answer.status, headers: type ? { 'content-type': String(type) } : {}, body: answer.body };
      return toProxyActions(await armed.plan(genuine, armed.polls++));
    },
  };
  return {
    url: proxy.url,
    arm(requestId, plan) {
      plans.set(requestId, { plan, polls: 0 });
    },
    disarm(requestId) {
      plans.delete(requestId);
      proxy.disconnect((ex) => polledRequest(ex) === requestId);
    },
    close: () => proxy.close(),
  };
}
