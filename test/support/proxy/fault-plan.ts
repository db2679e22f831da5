import { z } from 'zod';
import { createPrng } from '../prng';

/**
 * What the test proxy does to traffic (PRODUCT.md "Offline-first, precisely" and "going beyond":
 * dropped and duplicated network messages). A plan is an ordered list of rules; for each request the
 * first rule that matches, still has uses left and wins its coin toss decides the fault.
 */

export const FaultSchema = z.discriminatedUnion('kind', [
  /** Cloud down: new connections are reset at once; a matching request on an open connection too. */
  z.strictObject({ kind: z.literal('refuse') }),
  /** Close the client connection before forwarding anything. */
  z.strictObject({ kind: z.literal('drop_connection') }),
  /** Hold the request before forwarding it, or the response before relaying it. */
  z.strictObject({ kind: z.literal('delay_ms'), ms: z.number().int().min(0).max(600_000), phase: z.enum(['request', 'response']).default('request') }),
  /** Forward the head and part of the body (default half), then reset both connections. */
  z.strictObject({ kind: z.literal('reset_mid_request_body'), afterBytes: z.number().int().min(0).optional() }),
  /** Forward the whole request so the cloud commits, then close the client without the response. */
  z.strictObject({ kind: z.literal('lose_response') }),
  /**
   * Send the request twice on separate connections; the client gets the first copy's response after
   * both are answered. 'after': the second copy goes once the first is answered; 'concurrent': together.
   */
  z.strictObject({ kind: z.literal('duplicate_request'), order: z.enum(['after', 'concurrent']).default('after') }),
  /** Answer by itself without forwarding (default 503 with an ErrorBody). */
  z.strictObject({ kind: z.literal('respond_5xx'), status: z.number().int().min(500).max(599).default(503) }),
  /** Accept and never answer; the client must time out. */
  z.strictObject({ kind: z.literal('blackhole') }),
]);
export type Fault = z.output<typeof FaultSchema>;
export type FaultKind = Fault['kind'];
export const FAULT_KINDS = FaultSchema.options.map((o) => o.shape.kind.value) as readonly FaultKind[];

/** '*', '/v1/sync' (any method) or 'POST /v1/sync'; paths match by whole segments, query ignored. */
export const MatchSchema = z.string().regex(/^(\*|(?:[A-Z]+ )?(?:\*|\/\S*))$/, "use '*', '/path' or 'METHOD /path'");

export const FaultRuleSchema = z.strictObject({
  match: MatchSchema.default('*'),
  fault: FaultSchema,
  /** Chance per matching request, drawn from the proxy's seeded PRNG. Absent: always. */
  probability: z.number().min(0).max(1).optional(),
  /** Only the next N matching requests (that also won the coin toss). Absent: no limit. */
  times: z.number().int().min(1).optional(),
});
export type FaultRule = z.input<typeof FaultRuleSchema>;

export const FaultPlanSchema = z.strictObject({
  rules: z.array(FaultRuleSchema).max(64),
  /** Restart the PRNG from this seed, so a plan replays the same choices. */
  seed: z.number().int().optional(),
});
export type FaultPlan = z.input<typeof FaultPlanSchema>;

/** Whether `match` selects a request; `target` is the request-target as sent. */
export function matchesRequest(match: string, method: string, target: string): boolean {
  if (match === '*') return true;
  const space = match.indexOf(' ');
  const wantMethod = space < 0 ? null : match.slice(0, space);
  const prefix = space < 0 ? match : match.slice(space + 1);
  if (wantMethod !== null && wantMethod !== method) return false;
  if (prefix === '*') return true;
  const path = target.split('?')[0] ?? '';
  if (path === prefix) return true;
  return path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

interface LiveRule {
  match: string;
  fault: Fault;
  probability: number | undefined;
  remaining: number | undefined;
}

/** Holds the current plan and picks a fault per request or new connection. */
export class FaultSelector {
  private rules: LiveRule[] = [];
  private random: () => number;

  constructor(seed: number) {
    this.random = createPrng(seed);
  }

  /** Replaces the plan; throws a ZodError naming the bad field. */
  set(plan: FaultPlan): void {
    const parsed = FaultPlanSchema.parse(plan);
    if (parsed.seed !== undefined) this.random = createPrng(parsed.seed);
    this.rules = parsed.rules.map((r) => ({ match: r.match, fault: r.fault, probability: r.probability, remaining: r.times }));
  }

  clear(): void {
    this.rules = [];
  }

  pickForRequest(method: string, target: string): Fault | null {
    return this.pick((r) => matchesRequest(r.match, method, target));
  }

  /** Before any request is read only a 'refuse' rule matching everything ('*') applies. */
  pickForConnection(): Fault | null {
    return this.pick((r) => r.fault.kind === 'refuse' && r.match === '*');
  }

  private pick(applies: (r: LiveRule) => boolean): Fault | null {
    for (const rule of this.rules) {
      if (!applies(rule) || rule.remaining === 0) continue;
      // The PRNG is drawn only for matching rules, so unrelated traffic does not shift the sequence.
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      return rule.fault;
    }
    return null;
  }
}
