import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, newId } from '../../contract/clock';
import { createRpContext, generateSigningKeyHex, signingPublicKeyHex } from '../../cloud-api/src/worldid/rp-context';
import { checkResultAgainstTransaction } from '../../cloud-api/src/worldid/check-result';
import { verifyWithPortal } from '../../cloud-api/src/worldid/portal-client';
import { startBridge, type Bridge } from '../../sim/worldid/bridge';
import { approve, reject } from '../../sim/worldid/phone';
import { SIM_APP_ID, SIM_RP_ID, startFakePortal, type FakePortal } from '../../sim/worldid/portal';
import { startWorldIdRequest, WorldIdRequestError } from './request';

/** The real idkit-core against the bridge, phone and portal simulators (world-id.md "Simulators"). */
const ACTION = 'roluatm-cash-out';
const signingKeyHex = generateSigningKeyHex();
const rpPublicKeys = { [SIM_RP_ID]: signingPublicKeyHex(signingKeyHex) };
const policy = { acceptLegacy: true, allowStaging: true };

describe('World ID request from the kiosk, end to end against simulators', () => {
  let bridge: Bridge;
  let portal: FakePortal;
  beforeAll(async () => {
    bridge = await startBridge();
    portal = await startFakePortal({ rpIds: [SIM_RP_ID] });
  });
  afterAll(async () => {
    await bridge.close();
    await portal.close();
  });

  async function start(transactionId: string, extra: { returnTo?: string } = {}) {
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex, action: ACTION }, systemClock);
    const request = await startWorldIdRequest({
      appId: SIM_APP_ID,
      action: ACTION,
      rpContext,
      signal: transactionId,
      bridgeUrl: bridge.url,
      allowStaging: true,
      ...extra,
    });
    return { request, rpContext };
  }

  for (const legacy of [false, true]) {
    it(`returns a ${legacy ? '3.0' : '4.0'} result the cloud accepts for its own transaction only, and the portal verifies`, async () => {
      const transactionId = newId();
      const { request, rpContext } = await start(transactionId);
      expect(request.connectorURI).toContain(`i=${request.requestId}`);
      const phone = await approve(request.connectorURI, { identity: 'alice', rpPublicKeys, legacy });
      expect(phone).toMatchObject({ answered: 'proof', protocol: legacy ? '3.0' : '4.0' });

      const outcome = await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 });
      if (!outcome.ok) throw new Error(`expected a result, got ${outcome.code}`);
      const result = outcome.result;
      expect(result.protocol_version).toBe(legacy ? '3.0' : '4.0');

      const mine = checkResultAgainstTransaction(result, { transactionId, action: ACTION, nonce: rpContext.nonce, policy });
      expect(mine).toEqual({ ok: true, nullifier: BigInt('0x' + (phone.answered === 'proof' ? phone.nullifier : '')), protocolVersion: legacy ? '3.0' : '4.0' });
      const other = checkResultAgainstTransaction(result, { transactionId: newId(), action: ACTION, nonce: rpContext.nonce, policy });
      expect(other).toMatchObject({ ok: false, code: 'signal_mismatch' });

      const cfg = { baseUrl: portal.url, rpId: SIM_RP_ID, retryDelayMs: 1 };
      const verdict = await verifyWithPortal(cfg, result);
      expect(verdict).toMatchObject({ ok: true, action: ACTION });
      if (verdict.ok) expect(verdict.nullifiers).toEqual(mine.ok ? [mine.nullifier] : []);
      const tampered = structuredClone(result) as { responses: Array<{ nullifier: string }> };
      const first = tampered.responses[0];
      if (!first) throw new Error('result has no responses');
      first.nullifier = '0x' + '1'.repeat(62);
      expect(await verifyWithPortal(cfg, tampered)).toMatchObject({ ok: false, code: 'proof_invalid' });
    });
  }

  // The identifiers credential-policy.ts relies on, as the real idkit-core 4.3.0 passes them through.
  // A 4.0 item of a credential that was not asked for comes back without signal_hash (idkit-core takes
  // the signal from the matching request item), so it is refused as malformed before the policy.
  const notOrb: Array<[string, Parameters<typeof approve>[1], string, string]> = [
    ['a 3.0 device proof', { legacy: true, legacyLevel: 'device' }, 'device', 'credential_not_accepted'],
    ['a 3.0 document proof', { legacy: true, legacyLevel: 'document' }, 'document', 'credential_not_accepted'],
    ['a 3.0 face proof', { legacy: true, legacyLevel: 'face' }, 'selfie', 'credential_not_accepted'],
    ['a 4.0 passport credential', { credential: { identifier: 'passport', issuer_schema_id: 9303 } }, 'passport', 'malformed'],
  ];
  for (const [what, phoneOpts, identifier, code] of notOrb) {
    it(`hands the cloud ${what} as identifier "${identifier}", which the cloud refuses with ${code}`, async () => {
      const transactionId = newId();
      const { request, rpContext } = await start(transactionId);
      await approve(request.connectorURI, { identity: 'ivy', rpPublicKeys, ...phoneOpts });
      const outcome = await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 });
      if (!outcome.ok) throw new Error(outcome.code);
      expect((outcome.result as { responses: Array<{ identifier: string }> }).responses.map((r) => r.identifier)).toEqual([identifier]);
      const checked = checkResultAgainstTransaction(outcome.result, { transactionId, action: ACTION, nonce: rpContext.nonce, policy });
      expect(checked).toMatchObject({ ok: false, code });
    });
  }

  it('asks World App for proof_of_human with issuer schema id 1 (the Orb credential)', async () => {
    const { request } = await start(newId());
    const outcome = await approve(request.connectorURI, { rpPublicKeys });
    expect(outcome).toMatchObject({ answered: 'proof', protocol: '4.0' });
    const done = await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 });
    if (!done.ok) throw new Error(done.code);
    expect((done.result as { responses: unknown[] }).responses).toEqual([expect.objectContaining({ identifier: 'proof_of_human', issuer_schema_id: 1 })]);
  });

  it('gives the same person the same nullifier for the same action, and another person another', async () => {
    const nullifiers: bigint[] = [];
    for (const identity of ['bob', 'bob', 'carol']) {
      const transactionId = newId();
      const { request, rpContext } = await start(transactionId);
      await approve(request.connectorURI, { identity, rpPublicKeys });
      const outcome = await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 });
      if (!outcome.ok) throw new Error(outcome.code);
      const checked = checkResultAgainstTransaction(outcome.result, { transactionId, action: ACTION, nonce: rpContext.nonce, policy });
      if (!checked.ok) throw new Error(checked.code);
      nullifiers.push(checked.nullifier);
    }
    expect(nullifiers[0]).toBe(nullifiers[1]);
    expect(nullifiers[2]).not.toBe(nullifiers[0]);
  });

  it('passes the return_to link through to the phone', async () => {
    const returnTo = 'https://world.org/mini-app?app_id=app_x&path=%2Fpay%2F123';
    const { request } = await start(newId(), { returnTo });
    const phone = await approve(request.connectorURI, { rpPublicKeys });
    expect(phone.returnTo).toBe(returnTo);
  });

  it('reports user_rejected when the person declines in World App', async () => {
    const { request } = await start(newId());
    await reject(request.connectorURI, 'user_rejected');
    expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: false, code: 'user_rejected' });
  });

  it('reports invalid_rp_signature when the rp_context was signed with another key', async () => {
    const { request } = await start(newId());
    const outcome = await approve(request.connectorURI, { rpPublicKeys: { [SIM_RP_ID]: signingPublicKeyHex(generateSigningKeyHex()) } });
    expect(outcome).toMatchObject({ answered: 'error', errorCode: 'invalid_rp_signature' });
    expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: false, code: 'invalid_rp_signature' });
  });

  it('reports timeout when nobody answers in time', async () => {
    const { request } = await start(newId());
    const outcome = await request.wait({ timeoutMs: 300, pollIntervalMs: 50 });
    expect(outcome).toMatchObject({ ok: false, code: 'timeout' });
    if (!outcome.ok) expect(outcome.message).toMatch(/start again/);
  });

  it('reports cancelled as soon as the kiosk aborts the wait', async () => {
    const { request } = await start(newId());
    const abort = new AbortController();
    const waiting = request.wait({ timeoutMs: 60_000, abort: abort.signal, pollIntervalMs: 5000 });
    abort.abort();
    expect(await waiting).toMatchObject({ ok: false, code: 'cancelled' });
  });

  it('reports connection_failed when the bridge goes away while waiting', async () => {
    const lonely = await startBridge();
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex, action: ACTION }, systemClock);
    const request = await startWorldIdRequest({ appId: SIM_APP_ID, action: ACTION, rpContext, signal: newId(), bridgeUrl: lonely.url, allowStaging: true });
    await lonely.close();
    expect(await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 })).toMatchObject({ ok: false, code: 'connection_failed' });
  });

  it('refuses to start with a connection_failed error when the bridge is down', async () => {
    const gone = await startBridge();
    await gone.close();
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex, action: ACTION }, systemClock);
    const starting = startWorldIdRequest({ appId: SIM_APP_ID, action: ACTION, rpContext, signal: newId(), bridgeUrl: gone.url, allowStaging: true });
    await expect(starting).rejects.toBeInstanceOf(WorldIdRequestError);
    await expect(starting).rejects.toMatchObject({ code: 'connection_failed' });
  });

  it('refuses a staging app id without WORLD_ID_ALLOW_STAGING, before touching the bridge', async () => {
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex, action: ACTION }, systemClock);
    const starting = startWorldIdRequest({ appId: SIM_APP_ID, action: ACTION, rpContext, signal: newId(), bridgeUrl: bridge.url });
    await expect(starting).rejects.toMatchObject({ code: 'request_failed', message: expect.stringMatching(/WORLD_ID_ALLOW_STAGING=1/) });
  });

  it('refuses to start with request_failed when the rp_context is not valid', async () => {
    const rpContext = { ...createRpContext({ rpId: SIM_RP_ID, signingKeyHex, action: ACTION }, systemClock), rp_id: 'nope' };
    const starting = startWorldIdRequest({ appId: SIM_APP_ID, action: ACTION, rpContext, signal: newId(), bridgeUrl: bridge.url, allowStaging: true });
    await expect(starting).rejects.toMatchObject({ code: 'request_failed' });
  });
});
