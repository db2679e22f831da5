import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { generateReleaseKey, signManifestFile } from '../scripts/sign-release';
import { keyIdOf, parseReleaseKeys, rawPublicKey, releaseStatement, SIGNATURE_FIELD, signRelease, verifyManifest, type SignedRelease } from './release-signature';
import { parseShellUpdateConfig } from './update-config';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'roluatm-sig-'));
  dirs.push(d);
  return d;
}

const SHA = createHash('sha512').update('build').digest('base64');
const REL: SignedRelease = { version: '0.2.0', file: 'RoluATM-0.2.0-arm64.AppImage', sha512: SHA, size: 5 };
const manifest = (r: SignedRelease, sig?: object) => ({ version: r.version, files: [{ url: r.file, sha512: r.sha512, size: r.size }], ...(sig ? { [SIGNATURE_FIELD]: sig } : {}) });

describe('verifyManifest', () => {
  const old = generateKeyPairSync('ed25519');
  const next = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');

  it('accepts a release signed by any trusted key (two during a rotation) and names the key', () => {
    const keys = [old.publicKey, next.publicKey];
    for (const k of [old, next]) {
      const r = verifyManifest(manifest(REL, signRelease(k.privateKey, k.publicKey, REL)), keys);
      expect(r).toEqual({ ok: true, release: REL, keyId: keyIdOf(k.publicKey), signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) });
    }
  });

  it('refuses a release signed by another key, even one claiming a trusted key id', () => {
    const sig = signRelease(other.privateKey, other.publicKey, REL);
    expect(verifyManifest(manifest(REL, sig), [old.publicKey])).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(verifyManifest(manifest(REL, { ...sig, keyId: keyIdOf(old.publicKey) }), [old.publicKey])).toMatchObject({ ok: false, reason: 'signature_invalid' });
  });

  it('refuses every signed field changed after signing', () => {
    const sig = signRelease(old.privateKey, old.publicKey, REL);
    const changes: Partial<SignedRelease>[] = [{ version: '0.3.0' }, { file: 'RoluATM-0.2.0-x64.AppImage' }, { sha512: createHash('sha512').update('evil').digest('base64') }, { size: 6 }];
    for (const c of changes) expect(verifyManifest(manifest({ ...REL, ...c }, sig), [old.publicKey])).toMatchObject({ ok: false, reason: 'signature_invalid' });
  });

  it('refuses an unsigned manifest, a malformed signature and a manifest with two AppImages', () => {
    expect(verifyManifest(manifest(REL), [old.publicKey])).toMatchObject({ ok: false, reason: 'unsigned' });
    expect(verifyManifest(manifest(REL, { keyId: keyIdOf(old.publicKey), signature: 'AAAA' }), [old.publicKey])).toMatchObject({ ok: false, reason: 'metadata_invalid' });
    const sig = signRelease(old.privateKey, old.publicKey, REL);
    const two = { ...manifest(REL, sig), files: [...manifest(REL).files, { url: 'Other.AppImage', sha512: SHA, size: 5 }] };
    expect(verifyManifest(two, [old.publicKey])).toMatchObject({ ok: false, reason: 'metadata_invalid' });
  });

  it('reads the trusted keys from ROLUATM_RELEASE_KEYS and refuses a malformed one', () => {
    const list = `${rawPublicKey(old.publicKey)}, ${rawPublicKey(next.publicKey)}`;
    expect(parseReleaseKeys(list).map(keyIdOf)).toEqual([keyIdOf(old.publicKey), keyIdOf(next.publicKey)]);
    expect(parseShellUpdateConfig({ ROLUATM_RELEASE_KEYS: list }).releaseKeys).toHaveLength(2);
    expect(parseShellUpdateConfig({}).releaseKeys).toEqual([]);
    expect(() => parseShellUpdateConfig({ ROLUATM_RELEASE_KEYS: 'not-a-key' })).toThrow(/ROLUATM_RELEASE_KEYS/);
  });
});

describe('scripts/sign-release.ts', () => {
  function release(dir: string, image: string, announced = image): string {
    writeFileSync(join(dir, 'RoluATM-0.2.0-arm64.AppImage'), image);
    const sha = createHash('sha512').update(announced).digest('base64');
    const path = join(dir, 'latest-linux-arm64.yml');
    writeFileSync(path, `version: 0.2.0\nfiles:\n  - url: RoluATM-0.2.0-arm64.AppImage\n    sha512: ${sha}\n    size: ${Buffer.byteLength(announced)}\npath: RoluATM-0.2.0-arm64.AppImage\nsha512: ${sha}\n`);
    return path;
  }

  it('writes a private key only its owner reads, never over an existing one, and signs a manifest the kiosk accepts', () => {
    const dir = tmp();
    const keyFile = join(dir, 'release-key.pem');
    const pub = generateReleaseKey(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(() => generateReleaseKey(keyFile)).toThrow(/EEXIST/);
    const path = release(dir, 'the build');
    const signed = signManifestFile(keyFile, path);
    expect(signed).toMatchObject({ version: '0.2.0', file: 'RoluATM-0.2.0-arm64.AppImage', size: 9 });
    const m: unknown = parse(readFileSync(path, 'utf8'));
    expect(verifyManifest(m, parseReleaseKeys(pub))).toMatchObject({ ok: true, keyId: signed.keyId });
    // Beside the AppImage, for a manual install and the launcher's own check (build/roluatm-launch.sh).
    const image = join(dir, 'RoluATM-0.2.0-arm64.AppImage');
    expect(readFileSync(`${image}.release`, 'utf8')).toBe(releaseStatement(signed).toString('utf8'));
    expect(readFileSync(`${image}.sig`, 'utf8').trim()).toBe((m as Record<string, { signature: string }>)[SIGNATURE_FIELD]?.signature);
  });

  it('refuses to sign a manifest that does not describe the AppImage beside it', () => {
    const dir = tmp();
    const keyFile = join(dir, 'k.pem');
    generateReleaseKey(keyFile);
    const path = release(dir, 'what is on disk', 'what the manifest says');
    expect(() => signManifestFile(keyFile, path)).toThrow(/does not match/);
    expect(readFileSync(path, 'utf8')).not.toContain(SIGNATURE_FIELD);
  });
});
