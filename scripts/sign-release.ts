import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { rawPublicKey, releaseStatement, SIGNATURE_FIELD, signRelease, type SignedRelease } from '../electron/release-signature';

/**
 * Signs a release with the operator's Ed25519 release key (electron/release-signature.ts), on the
 * offline machine that holds the key, after `npm run dist` and before the files are uploaded.
 *
 *   tsx scripts/sign-release.ts keygen --out release-key.pem
 *       writes a new private key (mode 0600) and prints its public key for ROLUATM_RELEASE_KEYS
 *   tsx scripts/sign-release.ts sign --key release-key.pem --manifest release/latest-linux-arm64.yml
 *       hashes the AppImage the manifest names (beside it) itself, refuses a manifest whose sha512
 *       or size does not match the file, and writes `roluatmSignature` into the manifest, and beside
 *       the AppImage `<AppImage>.release` (the signed statement) and `<AppImage>.sig` (the signature)
 *       for a manual install (build/install-pi.sh stages them for the launcher's own check)
 */
export function generateReleaseKey(out: string): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(out, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return rawPublicKey(publicKey);
}

export function signManifestFile(keyFile: string, manifestPath: string): SignedRelease & { keyId: string } {
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const publicKey = createPublicKey(privateKey);
  const doc = parseDocument(readFileSync(manifestPath, 'utf8'));
  const m = doc.toJS() as { version?: unknown; files?: { url?: unknown; sha512?: unknown; size?: unknown }[] };
  const entries = (m.files ?? []).filter((f) => typeof f.url === 'string' && f.url.endsWith('.AppImage'));
  if (typeof m.version !== 'string' || entries.length !== 1) throw new Error(`${manifestPath}: needs a version and exactly one .AppImage in files`);
  const entry = entries[0]!;
  const file = String(entry.url);
  if (basename(file) !== file) throw new Error(`${manifestPath}: the AppImage url must be a plain file name`);
  const image = readFileSync(join(manifestPath, '..', file));
  const release: SignedRelease = { version: m.version, file, sha512: createHash('sha512').update(image).digest('base64'), size: statSync(join(manifestPath, '..', file)).size };
  if (entry.sha512 !== release.sha512 || entry.size !== release.size) throw new Error(`${manifestPath}: its sha512 or size does not match ${file}; rebuild instead of signing`);
  const signature = signRelease(privateKey, publicKey, release);
  doc.set(SIGNATURE_FIELD, signature);
  writeFileSync(manifestPath, doc.toString());
  const imagePath = join(manifestPath, '..', file);
  writeFileSync(`${imagePath}.release`, releaseStatement(release));
  writeFileSync(`${imagePath}.sig`, `${signature.signature}\n`);
  return { ...release, keyId: signature.keyId };
}

function option(args: string[], name: string): string {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : undefined;
  if (v === undefined) throw new Error(`${name} is required (see the top of scripts/sign-release.ts)`);
  return v;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === join(import.meta.dirname, 'sign-release.ts')) {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (command === 'keygen') {
      const pub = generateReleaseKey(option(args, '--out'));
      console.log(`public key (add to ROLUATM_RELEASE_KEYS in /etc/roluatm/kiosk.env): ${pub}`);
    } else if (command === 'sign') {
      const r = signManifestFile(option(args, '--key'), option(args, '--manifest'));
      console.log(`signed ${r.file} ${r.version} (${r.size} bytes) with key ${r.keyId}`);
    } else {
      throw new Error('usage: sign-release.ts keygen --out FILE | sign --key FILE --manifest FILE');
    }
  } catch (err) {
    console.error(`sign-release: ${(err as Error).message}`);
    process.exit(1);
  }
}
