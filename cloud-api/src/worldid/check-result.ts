import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { z } from 'zod';
import { checkCredentialPolicy, type CredentialPolicy } from './credential-policy';

/**
 * What the Developer Portal does NOT check, so the cloud must (world-id.md "Cloud side"):
 * the result is ours (action), for this transaction (every signal_hash = hashSignal(transaction id)),
 * and answers the rp_context we issued (nonce), and it is one Orb credential (credential-policy.ts).
 * Pure: no I/O. Nonce *reuse* and nullifier limits are the caller's job (it owns the database); this
 * returns the one credential's nullifier as a number for that.
 * Shapes are strict: unknown keys are refused, strings are bounded.
 */
const hex = (max: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{1,${max}}$`));
const Hex32 = hex(64);
const NullifierSchema = z.union([Hex32, z.string().regex(/^nil_[0-9a-f]{1,64}$/)]);
const Identifier = z.string().min(1).max(64);
const Decimal256 = z.string().regex(/^[0-9]{1,78}$/);

const ResponseV3Schema = z.strictObject({
  identifier: Identifier,
  signal_hash: Hex32,
  proof: hex(2048),
  merkle_root: Hex32,
  nullifier: NullifierSchema,
});

const ResponseV4Schema = z.strictObject({
  identifier: Identifier,
  issuer_schema_id: z.number().int().nonnegative(),
  signal_hash: Hex32,
  nullifier: NullifierSchema,
  expires_at_min: z.number().int().nonnegative(),
  proof: z.array(z.union([Decimal256, Hex32])).length(5),
  sybil_score: z.number().int().optional(),
});

const common = {
  nonce: Hex32,
  action: z.string().min(1).max(256),
  environment: z.enum(['production', 'staging', 'sandbox']),
  action_description: z.string().max(1000).optional(),
  user_presence_completed: z.boolean().optional(),
  integrity_bundle: z.record(z.string().max(64), z.unknown()).optional(),
};

const ResultV3Schema = z.strictObject({ ...common, protocol_version: z.literal('3.0'), responses: z.array(ResponseV3Schema).min(1).max(4) });
const ResultV4Schema = z.strictObject({
  ...common,
  protocol_version: z.literal('4.0'),
  identity_attested: z.boolean().optional(),
  responses: z.array(ResponseV4Schema).min(1).max(4),
});
export const IdKitResultSchema = z.discriminatedUnion('protocol_version', [ResultV3Schema, ResultV4Schema]);
export type IdKitResult = z.infer<typeof IdKitResultSchema>;

export type CheckResultOutcome =
  | { ok: true; nullifier: bigint; protocolVersion: '3.0' | '4.0' }
  | {
      ok: false;
      code: 'malformed' | 'action_mismatch' | 'signal_mismatch' | 'nonce_invalid' | 'credential_not_accepted' | 'environment_not_accepted';
      message: string;
    };

/** `0x…` or 4.0's `nil_…` hex → BigInt. Inputs are already bounded to 64 hex digits by the schema. */
export function parseNullifier(value: string): bigint {
  return BigInt('0x' + value.replace(/^(0x|nil_)/, ''));
}

export function checkResultAgainstTransaction(
  result: unknown,
  expected: { transactionId: string; action: string; nonce: string; policy: CredentialPolicy },
): CheckResultOutcome {
  const parsed = IdKitResultSchema.safeParse(result);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    return { ok: false, code: 'malformed', message: `World ID result has an unexpected shape at "${where}"; start a new verification` };
  }
  const r = parsed.data;
  if (r.action !== expected.action) {
    return { ok: false, code: 'action_mismatch', message: 'World ID result is for another action; start a new verification' };
  }
  if (r.nonce.toLowerCase() !== expected.nonce.toLowerCase()) {
    return { ok: false, code: 'nonce_invalid', message: 'World ID result answers another request; start a new verification' };
  }
  const signalHash = hashSignal(expected.transactionId).toLowerCase();
  if (r.responses.some((item) => item.signal_hash.toLowerCase() !== signalHash)) {
    return { ok: false, code: 'signal_mismatch', message: 'World ID result was made for another transaction; start a new verification' };
  }
  const credential = checkCredentialPolicy(r, expected.policy);
  if (!credential.ok) return credential;
  const nullifier = r.responses[0]?.nullifier;
  if (nullifier === undefined) return { ok: false, code: 'malformed', message: 'World ID result has no credential; start a new verification' };
  return { ok: true, nullifier: parseNullifier(nullifier), protocolVersion: r.protocol_version };
}
