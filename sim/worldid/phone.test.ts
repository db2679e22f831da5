import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../contract/clock';
import { createRpContext, generateSigningKeyHex } from '../../cloud-api/src/worldid/rp-context';
import { startWorldIdRequest } from '../../main/worldid/request';
import { startBridge, type Bridge } from './bridge';
import { decryptFromBridge, encryptForBridge, parseBridgeKey } from './bridge-crypto';
import { approve, parseConnectorURI, reject } from './phone';
import { connectorFromPasted, startPhonePage } from './phone-page';
import { SIM_APP_ID, SIM_RP_ID } from './portal';

describe('bridge encryption', () => {
  it('produces what WebCrypto AES-GCM decrypts (tag appended) and reads what it encrypts', async () => {
    const raw = webcrypto.getRandomValues(new Uint8Array(32));
    const key = parseBridgeKey(Buffer.from(raw).toString('base64'));
    const cryptoKey = await webcrypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    const sealed = encryptForBridge(key, '{"a":1}');
    const plain = await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: Buffer.from(sealed.iv, 'base64') }, cryptoKey, Buffer.from(sealed.payload, 'base64'));
    expect(Buffer.from(plain).toString()).toBe('{"a":1}');
    const iv = webcrypto.getRandomValues(new Uint8Array(12));
    const theirs = await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv }, cryptoKey, new TextEncoder().encode('hi'));
    expect(decryptFromBridge(key, { iv: Buffer.from(iv).toString('base64'), payload: Buffer.from(theirs).toString('base64') })).toBe('hi');
  });

  it('refuses a tampered payload and a key that is not 32 bytes', () => {
    const key = parseBridgeKey(Buffer.alloc(32, 7).toString('base64'));
    const sealed = encryptForBridge(key, 'secret');
    const bytes = Buffer.from(sealed.payload, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => decryptFromBridge(key, { ...sealed, payload: bytes.toString('base64') })).toThrow(/tampered/);
    expect(() => parseBridgeKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('simulated phone', () => {
  let bridge: Bridge;
  const key = generateSigningKeyHex();
  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(() => bridge.close());

  async function kioskRequest(clock = new ManualClock(Date.now())) {
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex: key, action: 'act' }, clock);
    return startWorldIdRequest({ appId: SIM_APP_ID, action: 'act', rpContext, signal: newId(), bridgeUrl: bridge.url, returnTo: 'https://example.test/next', allowStaging: true });
  }

  it('reads request id, key, bridge and return_to from the connector URI', async () => {
    const request = await kioskRequest();
    const c = parseConnectorURI(request.connectorURI);
    expect(c).toMatchObject({ requestId: request.requestId, bridgeUrl: bridge.url, returnTo: 'https://example.test/next' });
    expect(c.key).toHaveLength(32);
    expect(() => parseConnectorURI('not a uri')).toThrow(expect.objectContaining({ code: 'bad_uri' }));
    expect(() => parseConnectorURI('https://world.org/verify?t=wld&i=abc')).toThrow(expect.objectContaining({ code: 'bad_uri' }));
  });

  it('cannot answer a request another phone already took', async () => {
    const request = await kioskRequest();
    await approve(request.connectorURI);
    await expect(approve(request.connectorURI)).rejects.toMatchObject({ code: 'request_not_found' });
    await expect(reject(request.connectorURI, 'user_rejected')).rejects.toMatchObject({ code: 'request_not_found' });
  });

  it('answers rp_signature_expired when the rp_context is past its expiry', async () => {
    const request = await kioskRequest(new ManualClock(Date.now() - 3_600_000));
    expect(await approve(request.connectorURI)).toMatchObject({ answered: 'error', errorCode: 'rp_signature_expired' });
    expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: false, code: 'rp_signature_expired' });
  });

  it('answers unknown_rp when it has a key list without this rp', async () => {
    const request = await kioskRequest();
    expect(await approve(request.connectorURI, { rpPublicKeys: {} })).toMatchObject({ answered: 'error', errorCode: 'unknown_rp' });
  });

  it('passes any World App error code through to the kiosk', async () => {
    const request = await kioskRequest();
    await reject(request.connectorURI, 'max_verifications_reached');
    expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: false, code: 'max_verifications_reached' });
  });

  it('serves a demo page that approves a pasted connector URI and shows the outcome', async () => {
    const page = await startPhonePage();
    try {
      const request = await kioskRequest();
      const form = await (await fetch(`${page.url}/?uri=${encodeURIComponent(request.connectorURI)}`)).text();
      expect(form).toContain(request.requestId);
      expect(form).not.toContain('<script');
      const res = await fetch(`${page.url}/approve`, { method: 'POST', body: new URLSearchParams({ uri: request.connectorURI, identity: 'dave' }) });
      expect(await res.text()).toMatch(/Approved with a 4\.0 proof\. Next: https:\/\/example\.test\/next/);
      expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: true });
      const again = await fetch(`${page.url}/reject`, { method: 'POST', body: new URLSearchParams({ uri: request.connectorURI }) });
      expect(await again.text()).toMatch(/Failed: request already taken/);
      const hostile = await (await fetch(`${page.url}/?uri=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
      expect(hostile).not.toContain('<script>');
    } finally {
      await page.close();
    }
  });

  it('takes the pasted link whether it is the connector URI or the demo QR\'s link to the phone page', async () => {
    const page = await startPhonePage();
    try {
      const request = await kioskRequest();
      const qrLink = `${page.url}/?uri=${encodeURIComponent(request.connectorURI)}`;
      expect(connectorFromPasted(`  ${qrLink}\n`)).toBe(request.connectorURI);
      expect(connectorFromPasted(request.connectorURI)).toBe(request.connectorURI);
      const res = await fetch(`${page.url}/approve`, { method: 'POST', body: new URLSearchParams({ uri: qrLink, identity: '' }) });
      expect(await res.text()).toMatch(/Approved with a 4\.0 proof\./);
      expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: true });
      const junk = await fetch(`${page.url}/approve`, { method: 'POST', body: new URLSearchParams({ uri: 'not a link' }) });
      expect(await junk.text()).toMatch(/Failed: not a URL; scan the QR code again/);
    } finally {
      await page.close();
    }
  });

  it('offers a new simulated person on every page load, so demo walks do not share a daily limit', async () => {
    const page = await startPhonePage();
    try {
      const person = async () => /name="identity" value="([^"]+)"/.exec(await (await fetch(page.url)).text())?.[1];
      const [a, b] = [await person(), await person()];
      expect(a).toMatch(/^person-[0-9a-f]{8}$/);
      expect(b).toMatch(/^person-[0-9a-f]{8}$/);
      expect(a).not.toBe(b);
    } finally {
      await page.close();
    }
  });
});
