/**
 * Which World ID credential counts as a unique human here (issue 14; docs/SECURITY.md "Credentials").
 * Only an Orb credential, because every credential has its own nullifier: accepting two kinds would let
 * one person take the per-human limit once per kind, and the weaker kind is the person's choice (the
 * signed rp_context does not fix which credential was asked for).
 *
 * Identifiers, from @worldcoin/idkit-core 4.3.0 (dist/index.d.ts and the WASM's serde names), checked
 * with the real library against sim/worldid (see check-result.test.ts "as idkit-core makes them"):
 * - 4.0 item: `identifier` "proof_of_human" with `issuer_schema_id` 1 is the Orb credential
 *   ("1=proof_of_human, 9303=passport, 9310=mnc"; Selfie Check is "selfie"/11 and carries `sybil_score`).
 * - 3.0 item: `identifier` is World App's legacy `verification_level`: "orb", "device", "document",
 *   "secure_document", or "selfie" (for "face").
 * Pure: no I/O.
 */
export const ORB_V4_IDENTIFIER = 'proof_of_human';
export const ORB_V4_ISSUER_SCHEMA_ID = 1;
export const ORB_V3_IDENTIFIER = 'orb';

export interface CredentialPolicy {
  /** Accept legacy 3.0 Orb proofs (World App makes them until 2027-04-01); false drops 3.0. */
  acceptLegacy: boolean;
  /** WORLD_ID_ALLOW_STAGING=1: `staging` results count too (demo and tests only). */
  allowStaging: boolean;
}

interface ResultForPolicy {
  protocol_version: '3.0' | '4.0';
  environment: string;
  responses: ReadonlyArray<{ identifier: string; issuer_schema_id?: number; sybil_score?: number }>;
}

export type CredentialVerdict =
  | { ok: true }
  | { ok: false; code: 'credential_not_accepted' | 'environment_not_accepted'; message: string };

const HOW_TO_GET_ORB = 'only an Orb-verified World ID can cash out here: verify at an Orb (find one in World App), then start again';

export function checkCredentialPolicy(r: ResultForPolicy, policy: CredentialPolicy): CredentialVerdict {
  const environments = policy.allowStaging ? ['production', 'staging'] : ['production'];
  if (!environments.includes(r.environment)) {
    return { ok: false, code: 'environment_not_accepted', message: `World ID result is for the ${r.environment.slice(0, 16)} environment, not production` };
  }
  const [item, ...more] = r.responses;
  if (!item || more.length > 0) {
    return { ok: false, code: 'credential_not_accepted', message: `send exactly one World ID credential; ${HOW_TO_GET_ORB}` };
  }
  if (r.protocol_version === '3.0') {
    if (!policy.acceptLegacy) {
      return { ok: false, code: 'credential_not_accepted', message: 'this kiosk takes only World ID 4.0 proofs: update World App, then start again' };
    }
    if (item.identifier !== ORB_V3_IDENTIFIER) return { ok: false, code: 'credential_not_accepted', message: HOW_TO_GET_ORB };
    return { ok: true };
  }
  const orb = item.identifier === ORB_V4_IDENTIFIER && item.issuer_schema_id === ORB_V4_ISSUER_SCHEMA_ID && item.sybil_score === undefined;
  return orb ? { ok: true } : { ok: false, code: 'credential_not_accepted', message: HOW_TO_GET_ORB };
}
