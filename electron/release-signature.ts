import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * Who made an update (issue 19 "Updates nobody can forge"). A sha512 in the feed only says the
 * file matches the feed; the feed can be changed by whoever controls the server. So each release
 * carries an Ed25519 signature made with the operator's release key (kept offline,
 * scripts/sign-release.ts) over this statement:
 *
 *   roluatm-release-v1\n
 *   version=<version>\n
 *   file=<AppImage file name>\n
 *   sha512=<base64 sha512 of the AppImage bytes>\n
 *   size=<bytes>\n
 *
 * The statement signs the AppImage through its sha512 (pre-hashed, as minisign does), so the
 * kiosk checks the manifest before any download and the downloaded bytes against the signed
 * sha512 and size before they are staged for install. The signature travels in the manifest
 * (latest-linux-arm64.yml) as `roluatmSignature: { keyId, signature }`; electron-updater passes
 * unknown fields through in its updateInfo. The kiosk trusts a set of public keys
 * (ROLUATM_RELEASE_KEYS, several during a key rotation); anything else is refused.
 */
export const SIGNATURE_FIELD = 'roluatmSignature';

export interface SignedRelease {
  version: string;
  file: string;
  sha512: string;
  size: number;
}

export type ReleaseRefusal = 'unsigned' | 'unknown_key' | 'signature_invalid' | 'metadata_invalid';
export type ReleaseCheck = { ok: true; release: SignedRelease; keyId: string; signature: string } | { ok: false; reason: ReleaseRefusal; detail: string };

/** Public keys as base64url of the raw 32 bytes (the JWK `x`), comma or space separated. */
const RawKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an Ed25519 public key: base64url of 32 bytes (43 characters)');

export function parseReleaseKeys(list: string): KeyObject[] {
  return list
    .split(/[\s,]+/)
    .filter((k) => k !== '')
    .map((k) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: RawKey.parse(k) }, format: 'jwk' }));
}

export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

/** First 16 hex of sha256 over the raw public key: names the key in the manifest and the logs. */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(Buffer.from(rawPublicKey(key), 'base64url')).digest('hex').slice(0, 16);
}

export function releaseStatement(r: SignedRelease): Buffer {
  if ([r.version, r.file, r.sha512].some((v) => v.includes('\n'))) throw new Error('release fields must be one line');
  return Buffer.from(`roluatm-release-v1\nversion=${r.version}\nfile=${r.file}\nsha512=${r.sha512}\nsize=${r.size}\n`, 'utf8');
}

export function signRelease(privateKey: KeyObject, publicKey: KeyObject, r: SignedRelease): { keyId: string; signature: string } {
  return { keyId: keyIdOf(publicKey), signature: sign(null, releaseStatement(r), privateKey).toString('base64') };
}

const SignatureSchema = z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/), signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature') });
const ManifestSchema = z.object({
  version: z.string().min(1),
  files: z.array(z.object({ url: z.string().min(1), sha512: z.string().min(1), size: z.number().int().positive() })).min(1),
  [SIGNATURE_FIELD]: SignatureSchema.optional(),
});

/**
 * Checks the manifest electron-updater fetched: signed by one of `keys`, over the version, the
 * AppImage's name, sha512 and size exactly as the manifest states them. Returns the signed release.
 */
export function verifyManifest(offered: unknown, keys: readonly KeyObject[]): ReleaseCheck {
  const parsed = ManifestSchema.safeParse(offered);
  if (!parsed.success) return { ok: false, reason: 'metadata_invalid', detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const m = parsed.data;
  const sig = m[SIGNATURE_FIELD];
  if (sig === undefined) return { ok: false, reason: 'unsigned', detail: `${m.version} carries no ${SIGNATURE_FIELD}` };
  const key = keys.find((k) => keyIdOf(k) === sig.keyId);
  if (key === undefined) return { ok: false, reason: 'unknown_key', detail: `${m.version} is signed by key ${sig.keyId}, which this kiosk does not trust` };
  const appImages = m.files.filter((f) => /\.AppImage$/.test(f.url));
  if (appImages.length !== 1) return { ok: false, reason: 'metadata_invalid', detail: 'files: exactly one .AppImage expected' };
  const f = appImages[0]!;
  const release: SignedRelease = { version: m.version, file: f.url, sha512: f.sha512, size: f.size };
  let good = false;
  try {
    good = verify(null, releaseStatement(release), key, Buffer.from(sig.signature, 'base64'));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'signature_invalid', detail: `the signature of ${m.version} does not match its manifest (key ${sig.keyId})` };
  return { ok: true, release, keyId: sig.keyId, signature: sig.signature };
}
