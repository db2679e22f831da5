import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeProofHex, joinV4ProofWords, nullifierHexFor, V3_PROOF_BYTES, V4_PROOF_BYTES } from './fake-proof';
import { SIM_RP_ID, startFakePortal, type FakePortal } from './portal';

const ACTION = 'roluatm-cash-out';
const NONCE = '0x00' + 'ab'.repeat(31);

/** A result as idkit-core hands it over: 4.0 proofs as five decimal words, nullifiers 0x-prefixed. */
function v4Result(identity = 'alice', signal = 'tx-1') {
  const nullifier = nullifierHexFor(identity, ACTION);
  const signalHash = hashSignal(signal);
  const hex = fakeProofHex({ protocol: '4.0', nullifier, signalHash, action: ACTION, nonce: NONCE }, V4_PROOF_BYTES);
  const proof = [0, 1, 2, 3, 4].map((i) => BigInt('0x' + hex.slice(i * 64, i * 64 + 64)).toString(10));
  return {
    protocol_version: '4.0',
    nonce: NONCE,
    action: ACTION,
    environment: 'production',
    responses: [{ identifier: 'proof_of_human', issuer_schema_id: 1, signal_hash: signalHash, nullifier: `0x${nullifier}`, expires_at_min: 1, proof }],
  };
}
function v3Result() {
  const nullifier = nullifierHexFor('alice', ACTION);
  const signalHash = hashSignal('tx-1');
  const proof = '0x' + fakeProofHex({ protocol: '3.0', nullifier, signalHash, action: ACTION, nonce: '' }, V3_PROOF_BYTES);
  const item = { identifier: 'orb', signal_hash: signalHash, nullifier: `0x${nullifier}`, merkle_root: '0x' + '00'.repeat(32), proof };
  return { protocol_version: '3.0', nonce: NONCE, action: ACTION, environment: 'production', responses: [item] };
}

async function verify(portal: FakePortal, body: unknown, rpId = SIM_RP_ID) {
  const res = await fetch(`${portal.url}/api/v4/verify/${rpId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('fake Developer Portal verify', () => {
  let portal: FakePortal;
  beforeEach(async () => {
    portal = await startFakePortal({ rpIds: [SIM_RP_ID] });
  });
  afterEach(() => portal.close());

  it('verifies a 4.0 result the phone made and names its action and nullifier', async () => {
    const body = v4Result();
    const res = await verify(portal, body);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, action: ACTION, nullifier: body.responses[0]?.nullifier });
    expect(portal.calls()).toEqual([{ path: `/api/v4/verify/${SIM_RP_ID}`, body }]);
  });

  it('verifies a 3.0 result', async () => {
    expect((await verify(portal, v3Result())).status).toBe(200);
  });

  it('refuses a result whose signal hash, action, nonce or nullifier was changed', async () => {
    const tweaks: Array<(r: ReturnType<typeof v4Result>) => void> = [
      (r) => void (r.responses[0]!.signal_hash = hashSignal('tx-2')),
      (r) => void (r.action = 'other'),
      (r) => void (r.nonce = '0x01'),
      (r) => void (r.responses[0]!.nullifier = '0x' + nullifierHexFor('mallory', ACTION)),
      (r) => void (r.responses[0]!.proof[4] = '1'),
    ];
    for (const tweak of tweaks) {
      const body = v4Result();
      tweak(body);
      const res = await verify(portal, body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'all_verifications_failed' });
    }
  });

  it('still answers 200 for a reused nullifier, as the real v4 endpoint does', async () => {
    expect((await verify(portal, v4Result('alice', 'tx-1'))).status).toBe(200);
    const again = await verify(portal, v4Result('alice', 'tx-2'));
    expect(again.status).toBe(200);
    expect(again.json.message).toMatch(/nullifier reuse/);
  });

  it('answers validation_error for a body that is not a result', async () => {
    const res = await verify(portal, { hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'validation_error' });
  });

  it('answers 404 not_found for an rp id it does not know', async () => {
    const res = await verify(portal, v4Result(), 'rp_ffffffffffffffff');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'not_found' });
  });

  it('fails with 503 in fail_5xx mode and refuses everything in invalid mode', async () => {
    portal.setMode('fail_5xx');
    expect((await verify(portal, v4Result())).status).toBe(503);
    portal.setMode('invalid');
    expect((await verify(portal, v4Result())).status).toBe(400);
    portal.setMode('ok');
    expect((await verify(portal, v4Result())).status).toBe(200);
  });

  it('never answers in timeout mode', async () => {
    portal.setMode('timeout');
    const outcome = await fetch(`${portal.url}/api/v4/verify/${SIM_RP_ID}`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(200) }).then(
      () => 'answered',
      (e: unknown) => (e as Error).name,
    );
    expect(outcome).toBe('TimeoutError');
  });
});

describe('fake proofs', () => {
  it('give the same person the same nullifier per action and differ across people and actions', () => {
    expect(nullifierHexFor('alice', 'a')).toBe(nullifierHexFor('alice', 'a'));
    expect(nullifierHexFor('alice', 'a')).not.toBe(nullifierHexFor('bob', 'a'));
    expect(nullifierHexFor('alice', 'a')).not.toBe(nullifierHexFor('alice', 'b'));
    expect(nullifierHexFor('alice', 'a')).toMatch(/^00[0-9a-f]{62}$/);
  });

  it('join decimal proof words back to the hex they came from and refuse non-numbers', () => {
    const hex = 'ab'.repeat(160);
    const words = [0, 1, 2, 3, 4].map((i) => BigInt('0x' + hex.slice(i * 64, i * 64 + 64)).toString());
    expect(joinV4ProofWords(words)).toBe(hex);
    expect(joinV4ProofWords(['x', '1', '2', '3', '4'])).toBeNull();
    expect(joinV4ProofWords([(2n ** 256n).toString(), '1', '2', '3', '4'])).toBeNull();
  });
});
