import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { z } from 'zod';
import { systemClock, type Clock } from '../../contract/clock';
import { decryptFromBridge, encryptForBridge, parseBridgeKey } from './bridge-crypto';
import { EncryptedBodySchema } from './bridge-store';
import { credentialNullifierHex, fakeProofHex, V3_PROOF_BYTES, V4_PROOF_BYTES } from './fake-proof';
import { checkRpSignature } from './rp-signature';

/**
 * A simulated World App (world-id.md "Simulators"): reads the connector URI from the QR code,
 * fetches and decrypts the request from the bridge, checks the RP signature of a 4.0 proof_request,
 * and answers with a 4.0 response, a 3.0 (legacy) proof, or `{error_code}`, encrypted with the
 * same key and a fresh IV.
 */
export const DEFAULT_BRIDGE_URL = 'https://bridge.worldcoin.org';
const YEAR_SEC = 365 * 24 * 3600;

export interface PhoneOptions {
  /** The person holding the phone; same identity + same action → same nullifier. */
  identity?: string;
  /** Answer with a 3.0 proof even when a 4.0 proof_request is present (an older World App). */
  legacy?: boolean;
  /** 3.0: the verification level World App reports (default 'orb'; 'device', 'document', … for refusal tests). */
  legacyLevel?: 'orb' | 'device' | 'document' | 'secure_document' | 'face';
  /** 4.0: answer with this credential instead of the one asked for (default: as asked, i.e. Orb). */
  credential?: { identifier: string; issuer_schema_id: number };
  /** rp_id → compressed secp256k1 public key (hex). When set, an unknown rp_id is refused. */
  rpPublicKeys?: Record<string, string>;
  clock?: Clock;
}

export type PhoneOutcome =
  | { answered: 'proof'; protocol: '3.0' | '4.0'; nullifier: string; returnTo: string | null }
  | { answered: 'error'; errorCode: string; returnTo: string | null };

export class PhoneError extends Error {
  constructor(
    readonly code: 'bad_uri' | 'request_not_found' | 'bad_request' | 'bridge_refused',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ProofRequestSchema = z.object({
  id: z.string(),
  version: z.number(),
  rp_id: z.string(),
  nonce: z.string(),
  created_at: z.number(),
  expires_at: z.number(),
  signature: z.string(),
  action: z.string(),
  proof_requests: z.array(z.object({ identifier: z.string(), issuer_schema_id: z.number(), signal: z.string().nullish() })).min(1),
});
const BridgeRequestSchema = z.object({
  app_id: z.string(),
  action: z.string(),
  signal: z.string(),
  proof_request: ProofRequestSchema.optional(),
});
type BridgeRequest = z.infer<typeof BridgeRequestSchema>;

interface Connector {
  requestId: string;
  key: Buffer;
  bridgeUrl: string;
  returnTo: string | null;
}

export function parseConnectorURI(connectorURI: string): Connector {
  let url: URL;
  try {
    url = new URL(connectorURI);
  } catch (cause) {
    throw new PhoneError('bad_uri', 'not a URL; scan the QR code again', { cause });
  }
  const requestId = url.searchParams.get('i');
  const key = url.searchParams.get('k');
  if (!requestId || !key) throw new PhoneError('bad_uri', 'connector URI lacks i or k; scan the QR code again');
  const bridgeUrl = (url.searchParams.get('b') ?? DEFAULT_BRIDGE_URL).replace(/\/$/, '');
  return { requestId, key: parseBridgeKey(key), bridgeUrl, returnTo: url.searchParams.get('return_to') };
}

async function fetchRequest(c: Connector): Promise<BridgeRequest> {
  const res = await fetch(`${c.bridgeUrl}/request/${encodeURIComponent(c.requestId)}`);
  if (res.status === 404) throw new PhoneError('request_not_found', 'request already taken or expired; start again on the kiosk');
  const body = EncryptedBodySchema.safeParse(await res.json());
  if (!res.ok || !body.success) throw new PhoneError('bad_request', `bridge answered ${res.status} without a request`);
  const parsed = BridgeRequestSchema.safeParse(JSON.parse(decryptFromBridge(c.key, body.data)));
  if (!parsed.success) throw new PhoneError('bad_request', 'decrypted request has an unexpected shape', { cause: parsed.error });
  return parsed.data;
}

async function answer(c: Connector, reply: unknown): Promise<void> {
  const res = await fetch(`${c.bridgeUrl}/response/${encodeURIComponent(c.requestId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(encryptForBridge(c.key, JSON.stringify(reply))),
  });
  if (res.status !== 201) throw new PhoneError('bridge_refused', `bridge refused the answer with ${res.status}`);
}

function v4Reply(
  req: BridgeRequest & { proof_request: z.infer<typeof ProofRequestSchema> },
  identity: string,
  nowSec: number,
  credential?: PhoneOptions['credential'],
) {
  const pr = req.proof_request;
  const asked = pr.proof_requests.map((item) => (credential ? { ...item, ...credential } : item));
  const kind = credential && credential.identifier !== 'proof_of_human' ? credential.identifier : 'orb';
  const nullifier = credentialNullifierHex(identity, req.action, kind);
  const responses = asked.map((item) => {
    const signalHash = item.signal ? hashSignal(item.signal) : hashSignal('');
    const proof = fakeProofHex({ protocol: '4.0', nullifier, signalHash, action: req.action, nonce: pr.nonce }, V4_PROOF_BYTES);
    return {
      identifier: item.identifier,
      issuer_schema_id: item.issuer_schema_id,
      proof,
      nullifier: `nil_${nullifier}`,
      expires_at_min: nowSec + YEAR_SEC,
    };
  });
  return { reply: { id: pr.id, version: 1, responses }, nullifier };
}

function v3Reply(req: BridgeRequest, identity: string, level: NonNullable<PhoneOptions['legacyLevel']>) {
  // A 3.0 Orb nullifier cannot be linked to the same person's 4.0 one (docs/SECURITY.md).
  const nullifier = credentialNullifierHex(identity, req.action, `v3/${level}`);
  const proof = fakeProofHex({ protocol: '3.0', nullifier, signalHash: req.signal, action: req.action, nonce: '' }, V3_PROOF_BYTES);
  const merkleRoot = fakeProofHex({ protocol: '3.0', nullifier: 'root', signalHash: '', action: '', nonce: '' }, 32);
  const reply = { proof: `0x${proof}`, merkle_root: `0x${merkleRoot}`, nullifier_hash: `0x${nullifier}`, verification_level: level };
  return { reply, nullifier };
}

/** Approves the request behind `connectorURI` as a real, verified person would. */
export async function approve(connectorURI: string, opts: PhoneOptions = {}): Promise<PhoneOutcome> {
  const c = parseConnectorURI(connectorURI);
  const req = await fetchRequest(c);
  const identity = opts.identity ?? 'sim-person-1';
  const nowSec = Math.floor((opts.clock ?? systemClock).now().getTime() / 1000);
  const pr = req.proof_request;
  if (pr && !opts.legacy) {
    const refusal = checkRpSignature(pr, req.action, nowSec, opts.rpPublicKeys);
    if (refusal) {
      await answer(c, { error_code: refusal });
      return { answered: 'error', errorCode: refusal, returnTo: c.returnTo };
    }
    const { reply, nullifier } = v4Reply({ ...req, proof_request: pr }, identity, nowSec, opts.credential);
    await answer(c, reply);
    return { answered: 'proof', protocol: '4.0', nullifier, returnTo: c.returnTo };
  }
  const { reply, nullifier } = v3Reply(req, identity, opts.legacyLevel ?? 'orb');
  await answer(c, reply);
  return { answered: 'proof', protocol: '3.0', nullifier, returnTo: c.returnTo };
}

/** Refuses the request with a World App error code (e.g. `user_rejected`). */
export async function reject(connectorURI: string, errorCode: string): Promise<PhoneOutcome> {
  const c = parseConnectorURI(connectorURI);
  await fetchRequest(c);
  await answer(c, { error_code: errorCode });
  return { answered: 'error', errorCode, returnTo: c.returnTo };
}
