import { z } from 'zod';
import { fakeProofHex, joinV4ProofWords, V3_PROOF_BYTES, V4_PROOF_BYTES } from './fake-proof';

/**
 * The fake Developer Portal's proof check for `POST /api/v4/verify/:rp_id` (world-id.md "Verify").
 * Like the real endpoint it checks structure and each proof; it does NOT check that the signal is
 * the transaction, that the nonce is unused, or nullifier reuse (a reused nullifier still gets 200).
 */
const ItemSchema = z.object({
  identifier: z.string(),
  signal_hash: z.string().optional(),
  nullifier: z.string(),
  proof: z.union([z.string(), z.array(z.string())]),
});
const BodySchema = z.object({
  protocol_version: z.enum(['3.0', '4.0']),
  nonce: z.string(),
  action: z.string(),
  responses: z.array(ItemSchema).min(1),
});

export interface ItemVerdict {
  identifier: string;
  success: boolean;
  nullifier: string;
  code?: string;
  detail?: string;
}

export type VerifyVerdict =
  | { status: 200; body: { success: true; action: string; nullifier: string; results: ItemVerdict[]; message?: string } }
  | { status: 400; body: { code: 'validation_error' | 'all_verifications_failed'; detail: string; results: ItemVerdict[] } };

function proofMatches(protocol: '3.0' | '4.0', item: z.infer<typeof ItemSchema>, action: string, nonce: string): boolean {
  const inputs = { protocol, nullifier: item.nullifier, signalHash: (item.signal_hash ?? '').toLowerCase(), action, nonce };
  if (protocol === '3.0') {
    return typeof item.proof === 'string' && item.proof.toLowerCase() === '0x' + fakeProofHex(inputs, V3_PROOF_BYTES);
  }
  const joined = Array.isArray(item.proof) && item.proof.length === 5 ? joinV4ProofWords(item.proof) : null;
  return joined === fakeProofHex(inputs, V4_PROOF_BYTES);
}

export function verifyResultBody(body: unknown, seenNullifiers: Set<string>): VerifyVerdict {
  const parsed = BodySchema.safeParse(body);
  if (!parsed.success) {
    return { status: 400, body: { code: 'validation_error', detail: 'body is not an IDKit result', results: [] } };
  }
  const r = parsed.data;
  const nonce = r.protocol_version === '4.0' ? r.nonce : '';
  const results: ItemVerdict[] = r.responses.map((item) =>
    proofMatches(r.protocol_version, item, r.action, nonce)
      ? { identifier: item.identifier, success: true, nullifier: item.nullifier }
      : { identifier: item.identifier, success: false, nullifier: item.nullifier, code: 'invalid_proof', detail: 'The provided proof is invalid.' },
  );
  const passed = results.find((x) => x.success);
  if (!passed) {
    return { status: 400, body: { code: 'all_verifications_failed', detail: 'No credential in the result verified.', results } };
  }
  const reused = seenNullifiers.has(passed.nullifier);
  seenNullifiers.add(passed.nullifier);
  const message = reused ? 'Proof verified (nullifier reuse)' : undefined;
  return { status: 200, body: { success: true, action: r.action, nullifier: passed.nullifier, results, ...(message ? { message } : {}) } };
}
