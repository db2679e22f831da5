import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';
import updaterPkg from 'electron-updater';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../contract/clock';
import { KioskStateSchema, type KioskState } from '../contract/kiosk-api';
import { generateReleaseKey, signManifestFile } from '../scripts/sign-release';
import { fakeAppImage } from '../test/support/fake-appimage';
import { startUpdater } from './updater';

/**
 * electron/updater.ts with the real electron-updater AppImageUpdater against a generic feed served
 * here. Only what needs Electron is replaced: the app adapter (version, cache folders) and the HTTP
 * executor (electron.net → node:http). Releases are signed by scripts/sign-release.ts with a real
 * Ed25519 key file in a temporary folder; the kiosk trusts only `trusted`'s public key.
 */
class NodeExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: object, callback: (r: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, responseHandler: null, callback: (e) => (e ? reject(e) : resolve(destination)) }, 0);
    });
  }
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'roluatm-updater-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Serves `files`; `requested` lists every path asked for (to prove what was never downloaded). */
async function serveFeed(files: Record<string, Buffer | string>): Promise<{ url: string; requested: string[] }> {
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]?.slice(1) ?? '';
    requested.push(path);
    const body = files[path];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requested };
}

const channelFile = `latest-linux${process.arch === 'x64' ? '' : `-${process.arch}`}.yml`;

const keyDir = mkdtempSync(join(tmpdir(), 'roluatm-release-keys-'));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));
let keyCount = 0;
function releaseKey(): { file: string; publicKey: KeyObject } {
  const file = join(keyDir, `release-key-${++keyCount}.pem`);
  generateReleaseKey(file);
  return { file, publicKey: createPublicKey(createPrivateKey(readFileSync(file))) };
}
const trusted = releaseKey();

/**
 * A feed as the operator publishes it: electron-builder's manifest for `image`, signed with
 * `signer` (unless `signer` is null). `serve` replaces the AppImage bytes served afterwards.
 */
function feedFor(version: string, image: Buffer, opts: { signer?: { file: string } | null; serve?: Buffer; editManifest?: (yml: string) => string } = {}): Record<string, Buffer | string> {
  const dir = tmp();
  const name = `RoluATM-${version}-${process.arch}.AppImage`;
  const sha512 = createHash('sha512').update(image).digest('base64');
  const yml = `version: ${version}\nfiles:\n  - url: ${name}\n    sha512: ${sha512}\n    size: ${image.length}\npath: ${name}\nsha512: ${sha512}\nreleaseDate: '2026-11-25T00:00:00.000Z'\n`;
  writeFileSync(join(dir, channelFile), yml);
  writeFileSync(join(dir, name), image);
  const signer = opts.signer === undefined ? trusted : opts.signer;
  if (signer !== null) signManifestFile(signer.file, join(dir, channelFile));
  const manifest = readFileSync(join(dir, channelFile), 'utf8');
  return { [channelFile]: opts.editManifest ? opts.editManifest(manifest) : manifest, [name]: opts.serve ?? image };
}

const idle: KioskState = KioskStateSchema.parse({
  flow: { screen: 'idle' }, online: true, out_of_service: null,
  hopper: { connected: true, ok: true, serial: 1, faults: [], coins_available: 10 },
  free_coins: 10,
  limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] }, fee: { flat_cents: 0, bps: 0 },
  version: '0.1.0', demo_phone_url: null, admin_open: false, payment_mode: null, support_contact: null, day_time_zone: null,
});

function run(feedUrl: string, getState: () => Promise<KioskState | null>) {
  const root = tmp();
  const releases = join(root, 'releases');
  mkdirSync(releases);
  const oldAppImage = join(root, 'current.AppImage');
  writeFileSync(oldAppImage, 'the running version');
  // electron-builder packs this beside app.asar from `publish`; electron-updater reads the cache dir name from it.
  writeFileSync(join(root, 'app-update.yml'), `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: roluatm-updater\n`);
  const previousEnv = process.env['APPIMAGE'];
  process.env['APPIMAGE'] = oldAppImage;
  cleanups.push(() => void (previousEnv === undefined ? delete process.env['APPIMAGE'] : (process.env['APPIMAGE'] = previousEnv)));
  const adapter = {
    version: '0.1.0', name: 'RoluATM', isPackaged: true, appUpdateConfigPath: join(root, 'app-update.yml'),
    userDataPath: join(root, 'user'), baseCachePath: join(root, 'cache'),
    whenReady: () => Promise.resolve(), relaunch: () => undefined, quit: () => undefined, onQuit: () => undefined,
  };
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  let quits = 0;
  const updater = startUpdater({
    feedUrl, releasesDir: releases, currentVersion: '0.1.0', releaseKeys: [trusted.publicKey], policy: { firstCheckAfterMs: 0, checkEveryMs: 3_600_000 },
    clock: new ManualClock(), log, getState, quit: () => void quits++, tickMs: 10,
    makeUpdater: () => {
      const u = new updaterPkg.AppImageUpdater(undefined, adapter);
      (u as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor = new NodeExecutor();
      u.disableDifferentialDownload = true;
      return u;
    },
  });
  cleanups.push(() => updater.stop());
  return { releases, logs, quits: () => quits };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('startUpdater with electron-updater', () => {
  it('downloads a newer version, stages it verified for the launcher, and quits once the kiosk is idle', async () => {
    const image = Buffer.from(fakeAppImage('0.2.0'));
    let state: KioskState = { ...idle, flow: { screen: 'registering', kind: 'cash_out', amount_cents: 500 } };
    const r = run((await serveFeed(feedFor('0.2.0', image))).url, async () => state);
    await until(() => existsSync(join(r.releases, 'pending.AppImage')), 'the staged AppImage');
    expect(readFileSync(join(r.releases, 'pending.AppImage'))).toEqual(image);
    expect(readFileSync(join(r.releases, 'pending.version'), 'utf8')).toBe('0.2.0\n');
    expect(existsSync(join(r.releases, 'pending', 'AppRun'))).toBe(true);
    await until(() => r.logs.some((l) => l.includes('customer_session')), 'the deferral');
    expect(r.quits()).toBe(0);
    state = idle;
    await until(() => r.quits() === 1, 'the quit to install');
  });

  /** The update must be refused: nothing staged, no restart, the running version stays. */
  async function expectRefused(r: ReturnType<typeof run>, logged: string): Promise<void> {
    await until(() => r.logs.some((l) => l.includes(logged)), `the refusal (${logged})`);
    expect(existsSync(join(r.releases, 'pending.AppImage'))).toBe(false);
    expect(existsSync(join(r.releases, 'pending.version'))).toBe(false);
    expect(r.quits()).toBe(0);
  }
  const appImageRequested = (requested: string[]) => requested.some((p) => p.endsWith('.AppImage'));

  it('refuses a tampered AppImage served under a correctly signed manifest', async () => {
    const feed = await serveFeed(feedFor('0.2.0', Buffer.from('the real build'), { serve: Buffer.from('tampered bytes') }));
    const r = run(feed.url, async () => idle);
    await expectRefused(r, 'sha512 checksum mismatch');
  });

  it('refuses a manifest tampered after signing (sha512 and size changed to fit other bytes), before downloading', async () => {
    const evil = Buffer.from('evil build');
    const feed = await serveFeed(feedFor('0.2.0', Buffer.from('the real build'), {
      serve: evil,
      editManifest: (yml) => yml.replaceAll(createHash('sha512').update('the real build').digest('base64'), createHash('sha512').update(evil).digest('base64')).replace(/size: \d+/, `size: ${evil.length}`),
    }));
    const r = run(feed.url, async () => idle);
    await expectRefused(r, 'update_signature_invalid');
    expect(appImageRequested(feed.requested)).toBe(false);
  });

  it('refuses a manifest whose version was raised after signing', async () => {
    const feed = await serveFeed(feedFor('0.2.0', Buffer.from('build'), { editManifest: (yml) => yml.replace('version: 0.2.0', 'version: 0.9.0') }));
    const r = run(feed.url, async () => idle);
    await expectRefused(r, 'update_signature_invalid');
    expect(appImageRequested(feed.requested)).toBe(false);
  });

  it('refuses a release signed by a key the kiosk does not trust', async () => {
    const feed = await serveFeed(feedFor('0.2.0', Buffer.from('build'), { signer: releaseKey() }));
    const r = run(feed.url, async () => idle);
    await expectRefused(r, 'update_unknown_key');
    expect(appImageRequested(feed.requested)).toBe(false);
  });

  it('refuses an unsigned release', async () => {
    const feed = await serveFeed(feedFor('0.2.0', Buffer.from('build'), { signer: null }));
    const r = run(feed.url, async () => idle);
    await expectRefused(r, 'update_unsigned');
    expect(appImageRequested(feed.requested)).toBe(false);
  });

  it('does not download a version the launcher rolled back before, even correctly signed', async () => {
    const feed = await serveFeed(feedFor('0.2.0', Buffer.from('bad build')));
    const r = run(feed.url, async () => idle);
    writeFileSync(join(r.releases, 'bad-versions'), '0.2.0\n');
    await expectRefused(r, 'update_known_bad');
    expect(appImageRequested(feed.requested)).toBe(false);
  });

  it('does not downgrade to an older signed release (a replayed old manifest)', async () => {
    const feed = await serveFeed(feedFor('0.0.9', Buffer.from('old build')));
    const r = run(feed.url, async () => idle);
    await until(() => feed.requested.includes(channelFile), 'the check');
    await new Promise((res) => setTimeout(res, 200));
    expect(appImageRequested(feed.requested)).toBe(false);
    expect(existsSync(join(r.releases, 'pending.AppImage'))).toBe(false);
    expect(r.quits()).toBe(0);
  });
});
