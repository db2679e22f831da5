import { z } from 'zod';
import type { AmountPolicy } from './amount-rules';
import { FeePolicySchema } from './money';

/**
 * Remote control that waits for idle (issue 17): the operator's desired state of one kiosk — in service or not, and
 * overrides of the cloud's limits and fee — versioned, delivered in every sync answer. The kiosk applies a newer
 * version only when no customer or admin session is open, then reports `config.applied` (contract/sync-events.ts) with
 * the version and what it applied; the cloud prices that kiosk's transactions with the applied overrides.
 */
const WholeDollars = z.number().int().positive().multipleOf(100, 'whole dollars');
export const KioskLimitsOverrideSchema = z
  .strictObject({ min_cents: WholeDollars, max_cents: WholeDollars })
  .refine((l) => l.min_cents <= l.max_cents, { message: 'must not exceed the maximum', path: ['min_cents'] });
export const KioskOverridesSchema = z.strictObject({ limits: KioskLimitsOverrideSchema.optional(), fee: FeePolicySchema.optional() });
export type KioskOverrides = z.infer<typeof KioskOverridesSchema>;

export const RemoteConfigSchema = z.object({
  version: z.number().int().positive(),
  in_service: z.boolean(),
  reason: z.string().max(200).nullable(),
  overrides: KioskOverridesSchema,
});
export type RemoteConfig = z.infer<typeof RemoteConfigSchema>;

/** The policy a kiosk runs: the cloud's, with this kiosk's applied overrides on top. */
export function applyOverrides(policy: AmountPolicy, o: KioskOverrides | null | undefined): AmountPolicy {
  if (!o) return policy;
  return { ...policy, ...(o.limits ? { min_cents: o.limits.min_cents, max_cents: o.limits.max_cents } : {}), ...(o.fee ? { fee: o.fee } : {}) };
}
