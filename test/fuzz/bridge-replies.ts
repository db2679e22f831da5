import { isDeepStrictEqual } from 'node:util';
import { ManualClock } from '../../contract/clock';
import type { CreateTransactionResponse } from '../../contract/http';
import { createTransaction, jobsOf, postWorldId } from '../../cloud-api/src/testing/flows';
import { createHarness, type Harness } from '../../cloud-api/src/testing/harness';
import type { Backend } from '../../cloud-api/src/testing/test-db';
import { signingPublicKeyHex } from '../../cloud-api/src/worldid/rp-context';
import { startWorldIdRequest, type WorldIdOutcome, type WorldIdRequest } from '../../main/worldid/request';
import { startBridge } from '../../sim/worldid/bridge';
import { approve, parseConnectorURI, reject, type PhoneOptions } from '../../sim/worldid/phone';
import { SIM_RP_ID, startFakePortal } from '../../sim/worldid/portal';
import { completedEnvelope, decryptGenuine, drawMutation, type Layer, type ReplyMutation } from './bridge-replies-mutations';
import { startMutatingProxy, type PollPlan } from './bridge-replies-proxy';
import { caseNumbers, printable, type FuzzOptions, type FuzzReport, type Violation } from './report';
import { Rng } from './rng';

/**
 * Fuzzer 3, kiosk side (issue 8 "Fuzzing": mutated bridge replies against the kiosk). The kiosk's
 * real World ID request (main/worldid/request.ts → idkit-core WASM) polls the bridge simulator
 * through a mutating proxy (bridge-replies-proxy.ts); the simulated phone answers through the real
 * bridge. Per case the proxy mutates the HTTP reply, the JSON envelope, the ciphertext, or the
 * decrypted World App reply (re-encrypted with the QR code's key). Invariants:
 * - wait() resolves, never rejects (the flow, main/kiosk/cash-out-flow.ts, awaits it unguarded);
 * - it resolves within its timeout plus MARGIN_MS, whatever the bridge does (stalls included);
 * - a failure carries a clean code (lower snake case, the kiosk's error screens key on it);
 * - a result is either identical to the genuine one (same phone answer, unmutated) or the cloud
 *   refuses it with a 4xx and creates no job for the transaction.
 */
export interface BridgeFuzzOptions extends FuzzOptions {
  backend: Backend;
  /** wait()'s timeout per case. */
  timeoutMs?: number;
}

const POLL_MS = 10;
/** How late after its timeout wait() may resolve (a poll in flight, a busy 2-core machine). */
const MARGIN_MS = 400;
/** After this long past the timeout a case counts as hung and the fuzzer moves on. */
const HANG_MS = 4000;
const CLEAN_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Result fields the real Developer Portal checks and the fake one does not (its fake proof binds only
 * nullifier, signal, action and nonce: sim/worldid/portal-verify.ts): the credential (identifier,
 * issuer_schema_id, from a 3.0 reply's verification_level), a 4.0 expires_at_min, a 3.0 merkle_root.
 * A mutated result accepted with only these changed is counted (`portal_bound_accepted`), not a violation.
 */
const PORTAL_BOUND = new Set(['identifier', 'issuer_schema_id', 'expires_at_min', 'merkle_root']);

/** Keys of the leaves where two JSON values differ (a whole subtree counts as its own key). */
function differingKeys(a: unknown, b: unknown, key = '(root)'): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const bothArrays = Array.isArray(a) && Array.isArray(b) && a.length === b.length;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
  if (bothArrays) return a.flatMap((x, i) => differingKeys(x, b[i], key));
  if (bothObjects) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differingKeys((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], k));
  }
  return [key];
}

type PhoneAnswer = 'v4' | 'v3' | 'reject';

interface CasePlan {
  phone: PhoneAnswer;
  identity: string;
  layer: Layer;
  /** Which polls the proxy mutates: the one carrying the answer, the first (still pending), or every one. */
  target: 'completed' | 'pending' | 'every';
  mutation: ReplyMutation;
}

function planCase(rng: Rng, n: number, timeoutMs: number, foreign: string[], key: Buffer): CasePlan {
  const phone = rng.weighted<PhoneAnswer>({ v4: 6, v3: 3, reject: 1 });
  const layer = rng.weighted<Layer>({ http: 4, envelope: 2, crypto: 3, plaintext: 5 });
  const target = layer === 'crypto' || layer === 'plaintext' ? 'completed' : rng.weighted({ completed: 3, pending: 1, every: 1 });
  // One person per case: the cloud's per-person daily limit must not refuse a genuine result.
  return { phone, identity: `bridge-person-${rng.int(0, 2 ** 31)}-${n}`, layer, target, mutation: drawMutation({ rng, key, timeoutMs, foreign }, layer) };
}

type Settled = { kind: 'resolved'; value: WorldIdOutcome } | { kind: 'rejected'; error: unknown } | { kind: 'hang' };

async function settle(waiting: Promise<WorldIdOutcome>, capMs: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), capMs);
  });
  try {
    return await Promise.race([waiting.then((value): Settled => ({ kind: 'resolved', value }), (error: unknown): Settled => ({ kind: 'rejected', error })), hang]);
  } finally {
    clearTimeout(timer);
  }
}

export async function fuzzBridgeReplies(o: BridgeFuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const timeoutMs = o.timeoutMs ?? 600;
  const bridge = await startBridge();
  const proxy = await startMutatingProxy(bridge.url);
  const portal = await startFakePortal();
  let h: Harness | undefined;
  const violations: Violation[] = [];
  const byLayer: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const codes: Record<string, number> = {};
  let mutatedPolls = 0;
  let worstLateMs = 0;
  let longestMessage = 0;
  try {
    h = await createHarness(o.backend, { DEV_PORTAL_BASE_URL: portal.url, RATE_LIMIT_IP_PER_MIN: '100000000', RATE_LIMIT_KIOSK_PER_MIN: '100000000' });
    const harness = h;
    const { token } = await harness.enrollKiosk('fuzz-bridge');
    // The phone's clock is the cloud's (fixed) clock: same answer → same result, and rp_contexts never expire mid-run.
    const phoneBase: PhoneOptions = { rpPublicKeys: { [SIM_RP_ID]: signingPublicKeyHex(harness.config.WORLD_ID_SIGNING_KEY) }, clock: new ManualClock(harness.clock.now().getTime()) };
    const kioskRequest = (tx: CreateTransactionResponse) => startWorldIdRequest({
      appId: tx.world_id.app_id, action: tx.world_id.action, rpContext: tx.rp_context, signal: tx.transaction.id, bridgeUrl: proxy.url, returnTo: tx.return_to, allowStaging: true,
    });
    /** The phone scans the QR code and talks to the real bridge, not through the proxy. */
    const phoneAnswers = async (request: WorldIdRequest, plan: Pick<CasePlan, 'phone' | 'identity'>) => {
      const url = new URL(request.connectorURI);
      url.searchParams.set('b', bridge.url);
      if (plan.phone === 'reject') await reject(url.href, 'user_rejected');
      else await approve(url.href, { ...phoneBase, identity: plan.identity, legacy: plan.phone === 'v3' });
    };
    const foreign: string[] = [];
    const genuineOutcome = async (tx: CreateTransactionResponse, plan: Pick<CasePlan, 'phone' | 'identity'>, keep = false): Promise<WorldIdOutcome> => {
      const request = await kioskRequest(tx);
      if (keep) {
        const { key } = parseConnectorURI(request.connectorURI);
        proxy.arm(request.requestId, (g) => {
          const plain = decryptGenuine(key, g);
          if (plain !== null) foreign.push(plain);
          return { kind: 'reply', reply: g };
        });
      }
      await phoneAnswers(request, plan);
      const outcome = await request.wait({ timeoutMs: 5000, pollIntervalMs: POLL_MS });
      proxy.disarm(request.requestId);
      return outcome;
    };

    // The unmutated flow ends in a job (else the fuzzer would test nothing).
    const probeTx = await createTransaction(harness, token);
    const probe = await genuineOutcome(probeTx, { phone: 'v4', identity: 'probe' }, true);
    if (!probe.ok || foreign.length !== 1) throw new Error(`the unmutated flow fails (${probe.ok ? 'reply not seen by the proxy' : probe.code}): fix the fuzz fixture`);
    const accepted = await postWorldId(harness, token, probeTx.transaction.id, probe.result);
    if (accepted.status !== 200 || (await jobsOf(harness, probeTx.transaction.id)).length !== 1) throw new Error(`the cloud refuses the genuine result (${accepted.status}): fix the fuzz fixture`);

    for (const n of caseNumbers(o)) {
      if (n % 100 === 0) o.progress?.(`bridge: case ${n}, ${violations.length} violations, ${Math.round(performance.now() - started)} ms`);
      const rng = Rng.forCase(o.seed, n);
      const tx = await createTransaction(harness, token);
      const request = await kioskRequest(tx);
      const { key } = parseConnectorURI(request.connectorURI);
      const plan = planCase(rng, n, timeoutMs, foreign, key);
      byLayer[plan.layer] = (byLayer[plan.layer] ?? 0) + 1;
      let genuinePlain: string | null = null;
      const pollPlan: PollPlan = (g, poll) => {
        const completed = completedEnvelope(g) !== null;
        if (completed) genuinePlain = decryptGenuine(key, g);
        const hit = plan.target === 'every' || (plan.target === 'pending' ? poll === 0 : completed);
        if (!hit) return { kind: 'reply', reply: g };
        mutatedPolls++;
        return plan.mutation.act(g);
      };
      proxy.arm(request.requestId, pollPlan);
      const input = () => printable({ tx: tx.transaction.id, phone: plan.phone, layer: plan.layer, target: plan.target, mutation: plan.mutation.name });
      const fail = (invariant: string, detail: string) => violations.push({ case: n, invariant, detail, input: input() });

      let phoneLater: Promise<void> | undefined;
      if (plan.target === 'pending') phoneLater = new Promise((resolve) => setTimeout(resolve, POLL_MS * 3)).then(() => phoneAnswers(request, plan));
      else await phoneAnswers(request, plan);
      const t0 = performance.now();
      const settled = await settle(request.wait({ timeoutMs, pollIntervalMs: POLL_MS }), timeoutMs + HANG_MS);
      const elapsed = performance.now() - t0;
      proxy.disarm(request.requestId);
      await phoneLater?.catch(() => undefined);
      if (genuinePlain !== null && foreign.length < 30) foreign.push(genuinePlain);

      if (settled.kind === 'hang') {
        outcomes.hang = (outcomes.hang ?? 0) + 1;
        fail('resolves within its timeout', `wait({timeoutMs: ${timeoutMs}}) still pending after ${Math.round(elapsed)} ms`);
        continue;
      }
      if (settled.kind === 'rejected') {
        outcomes.rejected = (outcomes.rejected ?? 0) + 1;
        fail('never rejects', `wait() rejected with ${typeof settled.error} ${String(settled.error).slice(0, 200)}`);
        continue;
      }
      worstLateMs = Math.max(worstLateMs, elapsed - timeoutMs);
      if (elapsed > timeoutMs + MARGIN_MS) fail('resolves within its timeout', `resolved after ${Math.round(elapsed)} ms (timeout ${timeoutMs} ms + ${MARGIN_MS} ms margin)`);
      const outcome = settled.value;
      if (!outcome.ok) {
        const code = String(outcome.code);
        codes[code.slice(0, 40)] = (codes[code.slice(0, 40)] ?? 0) + 1;
        outcomes.error = (outcomes.error ?? 0) + 1;
        longestMessage = Math.max(longestMessage, String(outcome.message).length);
        if (!CLEAN_CODE.test(code)) fail('a failure has a clean code', `code ${JSON.stringify(code.slice(0, 120))} (${code.length} chars)`);
        if (typeof outcome.message !== 'string' || outcome.message.length === 0) fail('a failure has a message', JSON.stringify(outcome).slice(0, 200));
        continue;
      }
      // A result: identical to the genuine one, or refused by the cloud with no job made.
      const genuine = await genuineOutcome(tx, plan);
      const identical = genuine.ok && isDeepStrictEqual(outcome.result, genuine.result);
      const res = await postWorldId(harness, token, tx.transaction.id, outcome.result);
      const text = await res.text();
      const jobs = await jobsOf(harness, tx.transaction.id);
      if (identical) {
        outcomes.result_genuine = (outcomes.result_genuine ?? 0) + 1;
        if (res.status !== 200 || jobs.length !== 1) fail('the genuine result verifies', `${res.status} ${text.slice(0, 200)}; ${jobs.length} jobs`);
        continue;
      }
      outcomes.result_mutated = (outcomes.result_mutated ?? 0) + 1;
      const changed = genuine.ok ? differingKeys(outcome.result, genuine.result) : ['(no genuine result)'];
      if (res.status === 200 && changed.every((k) => PORTAL_BOUND.has(k))) {
        outcomes.portal_bound_accepted = (outcomes.portal_bound_accepted ?? 0) + 1;
        continue;
      }
      if (res.status >= 500) fail('the cloud refuses a mutated result with a 4xx', `${res.status} ${text.slice(0, 200)}`);
      else if (res.status < 400) fail('the cloud refuses a mutated result', `${res.status}: accepted a result that differs from the genuine one in ${changed.join(', ')}: ${JSON.stringify(printable(outcome.result, 120))}`);
      if (jobs.length > 0) fail('no job for a mutated result', `${jobs.length} job(s) for ${tx.transaction.id}`);
    }
  } finally {
    await h?.dispose();
    await proxy.close();
    await bridge.close();
    await portal.close();
  }
  const duration = Math.round(performance.now() - started);
  const cases = caseNumbers(o).length;
  return {
    fuzzer: 'bridge_replies',
    seed: o.seed,
    cases,
    violations,
    by_layer: byLayer,
    outcomes,
    error_codes: codes,
    mutated_polls: mutatedPolls,
    worst_late_ms: Math.round(worstLateMs),
    longest_message: longestMessage,
    timeout_ms: timeoutMs,
    backend: o.backend,
    cases_per_s: Math.round((cases / duration) * 10_000) / 10,
    duration_ms: duration,
  };
}
