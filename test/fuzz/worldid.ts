import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { changedTables, checksum } from '../../cloud-api/src/testing/db-checksum';
import { createTransaction, resultFor } from '../../cloud-api/src/testing/flows';
import type { Backend } from '../../cloud-api/src/testing/test-db';
import type { CreateTransactionResponse } from '../../contract/http';
import { fakeProofHex, nullifierHexFor, V3_PROOF_BYTES } from '../../sim/worldid/fake-proof';
import { createCloudFixture } from './cloud-fixture';
import { mutateJson, type BodyMutation } from './cloud-mutations';
import { caseNumbers, printable, type FuzzOptions, type FuzzReport, type Violation } from './report';
import { Rng } from './rng';

/**
 * Fuzzer 3, cloud side (issue 8 "Fuzzing"): mutated IDKit results (4.0 and 3.0 shapes, world-id.md)
 * posted to POST /v1/transactions/:id/world-id for a transaction that a correct result WOULD verify.
 * Invariants: every mutated result is a 4xx with an error code, never a 5xx, never a job, and the
 * nullifier, nonce, transaction and job tables are unchanged (a refusal leaves only its audit event).
 */
export interface WorldIdFuzzOptions extends FuzzOptions {
  backend: Backend;
}

/** A 3.0 (legacy Orb) result as World App's older answer is shaped (world-id.md, sim/worldid/phone.ts v3Reply). */
function v3Result(tx: CreateTransactionResponse, identity: string): Record<string, unknown> {
  const action = tx.world_id.action;
  const nullifier = nullifierHexFor(identity, action);
  const signalHash = hashSignal(tx.transaction.id);
  return {
    protocol_version: '3.0',
    nonce: tx.rp_context.nonce,
    action,
    environment: 'staging',
    responses: [{
      identifier: 'orb',
      signal_hash: signalHash,
      proof: `0x${fakeProofHex({ protocol: '3.0', nullifier, signalHash, action, nonce: tx.rp_context.nonce }, V3_PROOF_BYTES)}`,
      merkle_root: `0x${fakeProofHex({ protocol: '3.0', nullifier: 'root', signalHash: '', action: '', nonce: '' }, 32)}`,
      nullifier: `0x${nullifier}`,
    }],
  };
}

/** Tampering that only World ID knowledge makes: each must be refused by the cloud's checks or the portal. */
function tamper(rng: Rng, result: Record<string, unknown>, other: Record<string, unknown>): BodyMutation {
  const r = structuredClone(result) as Record<string, unknown> & { responses: Array<Record<string, unknown>> };
  const resp = r.responses[0]!;
  const flipHex = (s: string) => {
    const i = rng.int(2, s.length - 1);
    const c = s[i] === '0' ? '1' : '0';
    return s.slice(0, i) + c + s.slice(i + 1);
  };
  // The credential policy's refusals (cloud-api/src/worldid/credential-policy.ts): not an Orb credential,
  // more than one item, a non-production environment (the fixture allows staging, so sandbox).
  const kind = rng.weighted({ nullifier: 2, proof: 2, signal: 2, nonce: 2, action: 1, version: 2, splice: 2, expires: 1, empty: 1, credential: 2, twice: 1, environment: 1 });
  switch (kind) {
    case 'credential':
      if (r.protocol_version === '3.0') resp.identifier = rng.pick(['device', 'document', 'secure_document', 'selfie', 'face', 'ORB']);
      else Object.assign(resp, rng.pick([{ identifier: 'passport', issuer_schema_id: 9303 }, { issuer_schema_id: 9303 }, { identifier: 'selfie', issuer_schema_id: 11, sybil_score: 2 }, { sybil_score: 0 }, { identifier: 'mnc', issuer_schema_id: 9310 }]));
      break;
    case 'twice': r.responses = [resp, structuredClone(resp)]; break;
    case 'environment': r.environment = 'sandbox'; break;
    case 'nullifier': resp.nullifier = typeof resp.nullifier === 'string' && resp.nullifier.startsWith('0x') ? flipHex(resp.nullifier) : `0x${nullifierHexFor('someone-else', String(r.action))}`; break;
    case 'proof': {
      const at = rng.int(0, 4);
      resp.proof = Array.isArray(resp.proof) ? (resp.proof as string[]).map((w, i) => (i === at ? String(BigInt(w) + 1n) : w)) : flipHex(String(resp.proof));
      break;
    }
    case 'signal': resp.signal_hash = hashSignal(rng.pick(['', 'other', '00000000-0000-0000-0000-000000000000'])); break;
    case 'nonce': r.nonce = flipHex(String(r.nonce)); break;
    case 'action': r.action = rng.pick(['other-action', `${String(r.action)} `, String(r.action).toUpperCase()]); break;
    case 'version': r.protocol_version = rng.pick(['3.0', '4.0', '5.0', '2.0', 3, null].filter((v) => v !== r.protocol_version)); break;
    case 'splice': {
      const theirs = (other as { responses: unknown[] }).responses;
      // Only theirs: with ours alongside, a later "drop responses.1" would give back the valid result.
      return { name: "another transaction's responses", value: { ...r, responses: theirs } };
    }
    case 'expires': resp.expires_at_min = rng.pick([-1, 1.5, 2 ** 53, '0']); break;
    default: r.responses = []; break;
  }
  return { name: `tamper ${kind}`, value: r };
}

export async function fuzzWorldId(o: WorldIdFuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const f = await createCloudFixture(o.backend);
  const violations: Violation[] = [];
  const status: Record<string, number> = {};
  const byShape: Record<string, number> = { '3.0': 0, '4.0': 0 };
  let target = await createTransaction(f.h, f.tokens.A);
  const decoy = await createTransaction(f.h, f.tokens.A); // its proofs must never verify `target`
  try {
    // The unmutated 4.0 result for a fresh transaction is accepted (else the fuzzer would test nothing).
    const probe = await createTransaction(f.h, f.tokens.A);
    const ok = await f.h.req('POST', `/v1/transactions/${probe.transaction.id}/world-id`, { token: f.tokens.A, body: { result: resultFor(probe, 'probe') } });
    if (ok.status !== 200) throw new Error(`the unmutated result is refused (${ok.status} ${await ok.text()}): fix the fuzz fixture`);
    let before = await checksum(f.h.tdb.db);
    for (const n of caseNumbers(o)) {
      const rng = Rng.forCase(o.seed, n);
      const shape = rng.chance(0.5) ? '4.0' : '3.0';
      byShape[shape]!++;
      const identity = `fuzz-person-${rng.int(1, 5)}`;
      const base = shape === '4.0' ? resultFor(target, identity) : v3Result(target, identity);
      const other = shape === '4.0' ? resultFor(decoy, 'intruder') : v3Result(decoy, 'intruder');
      const steps: string[] = [];
      let m: BodyMutation = tamper(rng, base, other);
      steps.push(m.name);
      if (rng.chance(0.4)) {
        try {
          m = mutateJson(rng, m.value ?? base);
          steps.push(m.name);
        } catch {
          /* a nested value too deep to walk: keep the tampered one */
        }
      }
      const body = m.raw !== undefined ? `{"result":${m.raw}}` : JSON.stringify({ result: m.value });
      const res = await f.h.app.request(`/v1/transactions/${target.transaction.id}/world-id`, {
        method: 'POST', headers: { authorization: `Bearer ${f.tokens.A}`, 'content-type': 'application/json' }, body,
      });
      const text = await res.text();
      status[res.status] = (status[res.status] ?? 0) + 1;
      const fail = (invariant: string, detail: string) => violations.push({ case: n, invariant, detail, input: printable({ shape, steps, body }) });
      if (res.status >= 500) fail('no 5xx', `${res.status} ${text.slice(0, 200)}`);
      else if (res.status < 400) fail('refused', `${res.status}: a mutated result was accepted`);
      else if (!/^\{"error":\{"code":"[a-z_]+"/.test(text)) fail('4xx has an error code', text.slice(0, 200));
      const after = await checksum(f.h.tdb.db);
      const changed = changedTables(before, after);
      if (changed.length > 0) fail('no state change', `tables changed: ${changed.join(', ')}`);
      if (res.status < 400 || changed.length > 0) {
        target = await createTransaction(f.h, f.tokens.A); // the target was used up: a new one
        before = await checksum(f.h.tdb.db);
      }
      if (n % 200 === 0) o.progress?.(`worldid: case ${n}, ${violations.length} violations, ${Math.round(performance.now() - started)} ms`);
    }
  } finally {
    await f.dispose();
  }
  const duration = Math.round(performance.now() - started);
  const cases = caseNumbers(o).length;
  return {
    fuzzer: 'worldid_results',
    seed: o.seed,
    cases,
    violations,
    by_status: status,
    by_shape: byShape,
    backend: o.backend,
    cases_per_s: Math.round((cases / duration) * 1000),
    duration_ms: duration,
  };
}
