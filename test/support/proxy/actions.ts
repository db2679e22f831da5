import type { IncomingHttpHeaders } from 'node:http';

/**
 * The test proxy's vocabulary. One request from the client is an Exchange; it passes four named
 * moments, and at each a hook may answer with actions (applied in order):
 *  - request: the whole request has arrived; the target has seen nothing;
 *  - forward: about to be sent to the target;
 *  - answer:  the target answered in full (it has committed); the client has heard nothing;
 *  - reply:   about to be written to the client.
 */
export interface Exchange {
  /** Counts from 1 in arrival order. */
  readonly id: number;
  readonly method: string;
  /** Path with query, as the client sent it. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  readonly text: string;
}

/** A response: the target's, or one a hook made up. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** False when a hook answered in place of the target. */
  fromTarget: boolean;
}

/** Close the client connection (FIN), or abort it with a TCP RST. The exchange ends. */
export type EndAction = { kind: 'drop' } | { kind: 'reset' };
/** Wait, then go on: `hold` waits until `until` settles (forever without it); the client leaving or the proxy closing ends it. */
export type WaitAction = { kind: 'delay'; ms: number } | { kind: 'hold'; until?: Promise<unknown> };
/** Before forwarding: answer without the target. After: replace the target's answer. */
export type RespondAction = { kind: 'respond'; status: number; headers?: Record<string, string>; body?: Buffer | string };

export type RequestAction =
  | EndAction
  | WaitAction
  | RespondAction
  /** Send the request to the target twice; the client gets the first copy's answer. 'after': one after the other. */
  | { kind: 'duplicate'; order: 'after' | 'concurrent' }
  /** Send the head and part of the body (default half; a bodyless request: half the head), then RST both sides. */
  | { kind: 'reset_mid_body'; afterBytes?: number };
export type AnswerAction = EndAction | WaitAction | RespondAction;
export type ReplyAction =
  | AnswerAction
  /** Head at once, then the body in `pieces` writes `gapMs` apart. */
  | { kind: 'trickle'; pieces: number; gapMs: number }
  /** Head announcing the whole body, `afterBytes` of it, then the connection is destroyed. */
  | { kind: 'cut'; afterBytes: number };

type Actions<A> = A | readonly A[] | void | undefined;
export type HookResult<A> = Actions<A> | Promise<Actions<A>>;

export interface ProxyHooks {
  request?(ex: Exchange): HookResult<RequestAction>;
  forward?(ex: Exchange): HookResult<RequestAction>;
  answer?(ex: Exchange, answer: Answer): HookResult<AnswerAction>;
  reply?(ex: Exchange, answer: Answer): HookResult<ReplyAction>;
}

export function asList<A>(result: Actions<A>): readonly A[] {
  if (result === undefined) return [];
  return Array.isArray(result) ? (result as readonly A[]) : [result as A];
}

export function answerOf(a: RespondAction): Answer {
  const body = typeof a.body === 'string' ? Buffer.from(a.body) : (a.body ?? Buffer.alloc(0));
  return { status: a.status, headers: { ...a.headers }, body, fromTarget: false };
}
