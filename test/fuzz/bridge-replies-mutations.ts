import { createCipheriv, randomBytes } from 'node:crypto';
import { decryptFromBridge } from '../../sim/worldid/bridge-crypto';
import { EncryptedBodySchema } from '../../sim/worldid/bridge-store';
import type { BridgeReply, ProxyAction } from './bridge-replies-proxy';
import { badValue, mutateJson, UNICODE } from './cloud-mutations';
import { Rng } from './rng';

/**
 * Mutations of the bridge's answer to the kiosk's poll (world-id.md "Bridge wire protocol":
 * `GET /response/:id` → `{status, response: null | {iv, payload}}`, AES-256-GCM with the key from the
 * connector URI). Three layers: the HTTP reply, the JSON envelope with its ciphertext, and the
 * decrypted World App reply, re-encrypted with the request's own key (what only a holder of the
 * QR code's key could send).
 */
export type Layer = 'http' | 'envelope' | 'crypto' | 'plaintext';

export interface MutationContext {
  rng: Rng;
  /** The request's bridge key (from the connector URI's `k`). */
  key: Buffer;
  timeoutMs: number;
  /** Decrypted genuine World App replies for other transactions (the probe's, earlier cases'), for replays. */
  foreign: string[];
}

export interface ReplyMutation {
  layer: Layer;
  name: string;
  /** The proxy's action for one poll, given the bridge's genuine reply. */
  act(genuine: BridgeReply): ProxyAction;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const reply = (status: number, body: Buffer | string, headers: Record<string, string> = JSON_HEADERS): ProxyAction => ({
  kind: 'reply',
  reply: { status, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body) },
});
const jsonReply = (value: unknown, status = 200): ProxyAction => reply(status, JSON.stringify(value));

/** AES-256-GCM of raw bytes with a fresh IV, tag appended (sim/worldid/bridge-crypto.ts layout). */
export function seal(key: Buffer, plaintext: Buffer): { iv: string; payload: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64'), payload: body.toString('base64') };
}

/** The genuine envelope when the bridge answered `completed`, else null. */
export function completedEnvelope(genuine: BridgeReply): { status: string; response: { iv: string; payload: string } } | null {
  try {
    const v = JSON.parse(genuine.body.toString('utf8')) as { status?: unknown; response?: unknown };
    const response = EncryptedBodySchema.safeParse(v.response);
    return v.status === 'completed' && response.success ? { status: 'completed', response: response.data } : null;
  } catch {
    return null;
  }
}

export function decryptGenuine(key: Buffer, genuine: BridgeReply): string | null {
  const env = completedEnvelope(genuine);
  return env ? decryptFromBridge(key, env.response) : null;
}

const ERROR_STATUSES = [400, 401, 403, 404, 405, 408, 409, 410, 413, 418, 422, 429, 500, 501, 502, 503, 504, 599];
const CONTENT_TYPES = ['text/html', 'text/plain', 'application/octet-stream', 'application/json; charset=utf-16', 'application/xml', 'multipart/form-data; boundary=x', ''];
const KNOWN_ERRORS = ['user_rejected', 'verification_rejected', 'credential_unavailable', 'malformed_request', 'invalid_network', 'inclusion_proof_pending',
  'inclusion_proof_failed', 'unexpected_response', 'connection_failed', 'max_verifications_reached', 'failed_by_host_app', 'generic_error', 'invalid_rp_signature', 'timeout', 'cancelled'];

function flipChar(rng: Rng, s: string, alphabet = '0123456789abcdef'): string {
  if (s.length === 0) return rng.pick(alphabet.split(''));
  const i = rng.int(0, s.length - 1);
  const c = alphabet.split('').filter((x) => x !== s[i]);
  return s.slice(0, i) + rng.pick(c) + s.slice(i + 1);
}

function flipBit(rng: Rng, b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) return 'AA==';
  const i = rng.int(0, bytes.length - 1);
  bytes[i] = bytes[i]! ^ (1 << rng.int(0, 7));
  return bytes.toString('base64');
}

function badBase64(rng: Rng, b64: string): string {
  const kind = rng.pick(['char', 'urlsafe', 'nopad', 'space', 'garbage', 'extrapad', 'unicode']);
  switch (kind) {
    case 'char': {
      const i = rng.int(0, Math.max(0, b64.length - 1));
      return b64.slice(0, i) + rng.pick(['!', '*', '.', '%', '\u0000', '"', '\\']) + b64.slice(i + 1);
    }
    case 'urlsafe': return b64.replace(/\+/g, '-').replace(/\//g, '_') + (b64.includes('+') || b64.includes('/') ? '' : '-_');
    case 'nopad': return b64.replace(/=+$/, '').slice(0, -1);
    case 'space': return `${b64.slice(0, 8)} \n${b64.slice(8)}`;
    case 'extrapad': return `${b64}====`;
    case 'unicode': return `${b64.slice(0, 4)}${rng.pick(UNICODE)}${b64.slice(4)}`;
    default: return rng.pick(['', '=', '====', 'not base64 at all', '@@@@', 'AAAA'.repeat(rng.int(1, 4)) + '!']);
  }
}

/** Layer 1: the HTTP reply itself, whatever the bridge said. */
function httpMutation(rng: Rng, timeoutMs: number): ReplyMutation {
  const kind = rng.weighted({ status: 4, contentType: 2, truncate: 2, cut: 2, reset: 2, empty: 1, notJson: 2, hugePad: 1, hugeJunk: 1, slow: 2, late: 1, stall: 1, trickle: 1, encoding: 1, twice: 1 });
  const mut = (name: string, act: ReplyMutation['act']): ReplyMutation => ({ layer: 'http', name, act });
  switch (kind) {
    case 'status': {
      const status = rng.pick(ERROR_STATUSES);
      const bodyKind = rng.pick(['genuine', 'error', 'empty', 'html']);
      return mut(`HTTP ${status} with ${bodyKind} body`, (g) =>
        reply(status, bodyKind === 'genuine' ? g.body : bodyKind === 'error' ? JSON.stringify({ error: 'oops', code: 'internal' }) : bodyKind === 'empty' ? '' : '<html><body>Bad Gateway</body></html>',
          bodyKind === 'html' ? { 'content-type': 'text/html' } : JSON_HEADERS));
    }
    case 'contentType': {
      const type = rng.pick(CONTENT_TYPES);
      return mut(`content-type "${type}"`, (g) => reply(g.status, g.body, type ? { 'content-type': type } : {}));
    }
    case 'truncate': {
      const frac = rng.float();
      return mut(`body truncated at ${Math.round(frac * 100)}%`, (g) => reply(g.status, g.body.subarray(0, Math.floor(g.body.length * frac)), g.headers));
    }
    case 'cut': {
      const frac = rng.float();
      return mut(`connection cut at ${Math.round(frac * 100)}% of the body`, (g) => ({ kind: 'cut', reply: g, sendBytes: Math.floor(g.body.length * frac) }));
    }
    case 'reset': {
      const afterMs = rng.int(0, 50);
      return mut(`connection reset after ${afterMs} ms`, () => ({ kind: 'reset', afterMs }));
    }
    case 'empty': return mut('200 with an empty body', () => reply(200, ''));
    case 'notJson': {
      const body = rng.chance(0.5) ? rng.bytes(rng.int(1, 300)) : Buffer.from(rng.pick(['null', '[]', '"completed"', '1', 'true', '{', '{"status":', 'OK', '<xml/>']));
      return mut(`200 with non-JSON ${body.length} bytes`, () => reply(200, body));
    }
    case 'hugePad': {
      const mib = rng.int(1, 8);
      return mut(`genuine body padded with ${mib} MiB of whitespace`, (g) => reply(g.status, Buffer.concat([Buffer.alloc(mib * 1024 * 1024, ' '), g.body]), g.headers));
    }
    case 'hugeJunk': {
      const mib = rng.int(1, 8);
      return mut(`${mib} MiB JSON string`, () => reply(200, `"${'x'.repeat(mib * 1024 * 1024)}"`));
    }
    case 'slow': {
      const delayMs = rng.int(1, Math.floor(timeoutMs * 0.6));
      return mut(`genuine reply after ${delayMs} ms`, (g) => ({ kind: 'reply', reply: g, delayMs }));
    }
    case 'late': {
      const delayMs = rng.int(Math.ceil(timeoutMs * 1.2), timeoutMs * 3);
      return mut(`genuine reply after ${delayMs} ms (past the timeout)`, (g) => ({ kind: 'reply', reply: g, delayMs }));
    }
    case 'stall': return mut('never answers', () => ({ kind: 'stall' }));
    case 'trickle': {
      const trickleMs = rng.int(5, Math.floor(timeoutMs / 4));
      return mut(`body in 8 pieces ${trickleMs} ms apart`, (g) => ({ kind: 'reply', reply: g, trickleMs }));
    }
    case 'encoding': {
      const enc = rng.pick(['gzip', 'br', 'deflate', 'identity, gzip']);
      return mut(`content-encoding ${enc} on a plain body`, (g) => reply(g.status, g.body, { ...g.headers, 'content-encoding': enc }));
    }
    default: return mut('genuine body twice', (g) => reply(g.status, Buffer.concat([g.body, g.body]), g.headers));
  }
}

/** Layer 2: the JSON envelope `{status, response}` (pending or completed). */
function envelopeMutation(rng: Rng): ReplyMutation {
  const kind = rng.weighted({ status: 3, responseType: 2, completedNull: 2, shape: 4, pendingWithResponse: 1 });
  const mut = (name: string, act: ReplyMutation['act']): ReplyMutation => ({ layer: 'envelope', name, act });
  const parsed = (g: BridgeReply): unknown => {
    try {
      return JSON.parse(g.body.toString('utf8')) as unknown;
    } catch {
      return { status: 'initialized', response: null };
    }
  };
  switch (kind) {
    case 'status': {
      const status = rng.pick(['COMPLETED', 'failed', 'error', 'done', '', 'completed ', 'retrieved', 'initialized', 42, null, true, ['completed'], { completed: true }, 'x'.repeat(10_000)]);
      return mut(`status ${JSON.stringify(status).slice(0, 40)}`, (g) => jsonReply({ ...(parsed(g) as object), status }));
    }
    case 'responseType': {
      const response = rng.pick([42, 'x', true, [], {}, [{ iv: 'AAAAAAAAAAAAAAAA', payload: 'AAAA' }], { iv: null, payload: null }, { iv: 1, payload: 2 }, { payload: 'AAAA' }, { iv: 'AAAAAAAAAAAAAAAA' }]);
      return mut(`response ${JSON.stringify(response).slice(0, 60)}`, () => jsonReply({ status: 'completed', response }));
    }
    case 'completedNull': return mut('completed with response null', () => jsonReply({ status: 'completed', response: null }));
    case 'pendingWithResponse': return mut('retrieved with a response attached', (g) => jsonReply({ ...(parsed(g) as object), status: 'retrieved' }));
    default: {
      // Drawn from its own seed, so every poll it hits is mutated the same way.
      const seed = rng.int(0, 2 ** 31);
      const m = mut('envelope reshaped', (g) => {
        const rm = mutateJson(new Rng(seed), parsed(g));
        m.name = `envelope: ${rm.name}`;
        return rm.raw !== undefined ? reply(200, rm.raw) : jsonReply(rm.value);
      });
      return m;
    }
  }
}

/** Layer 3: the ciphertext and IV of a completed answer (no key needed). */
function cryptoMutation(rng: Rng): ReplyMutation {
  const kind = rng.weighted({ flipPayload: 3, flipIv: 2, ivLength: 2, payloadShort: 1, payloadCut: 2, payloadExtend: 1, badBase64Payload: 2, badBase64Iv: 2, wrongKey: 2, swapFields: 1, nonString: 1 });
  const mut = (name: string, edit: (r: { iv: string; payload: string }) => unknown): ReplyMutation => ({
    layer: 'crypto',
    name,
    act(g) {
      const env = completedEnvelope(g);
      return env ? jsonReply({ status: 'completed', response: edit(env.response) }) : { kind: 'reply', reply: g };
    },
  });
  switch (kind) {
    case 'flipPayload': return mut('one bit of the ciphertext flipped', (r) => ({ ...r, payload: flipBit(rng, r.payload) }));
    case 'flipIv': return mut('one bit of the IV flipped', (r) => ({ ...r, iv: flipBit(rng, r.iv) }));
    case 'ivLength': {
      const n = rng.pick([0, 1, 8, 11, 13, 16, 32, 1000]);
      return mut(`IV of ${n} bytes`, (r) => ({ ...r, iv: randomBytes(n).toString('base64') }));
    }
    case 'payloadShort': {
      const n = rng.int(0, 16);
      return mut(`payload of ${n} bytes`, (r) => ({ ...r, payload: randomBytes(n).toString('base64') }));
    }
    case 'payloadCut': {
      const frac = rng.float();
      return mut(`ciphertext cut to ${Math.round(frac * 100)}%`, (r) => {
        const b = Buffer.from(r.payload, 'base64');
        return { ...r, payload: b.subarray(0, Math.floor(b.length * frac)).toString('base64') };
      });
    }
    case 'payloadExtend': {
      const n = rng.int(1, 64);
      return mut(`ciphertext with ${n} bytes appended`, (r) => ({ ...r, payload: Buffer.concat([Buffer.from(r.payload, 'base64'), randomBytes(n)]).toString('base64') }));
    }
    case 'badBase64Payload': return mut('payload not base64', (r) => ({ ...r, payload: badBase64(rng, r.payload) }));
    case 'badBase64Iv': return mut('IV not base64', (r) => ({ ...r, iv: badBase64(rng, r.iv) }));
    case 'wrongKey': return { layer: 'crypto', name: 'genuine reply under another key', act: (g) => {
      const env = completedEnvelope(g);
      return env ? jsonReply({ status: 'completed', response: seal(randomBytes(32), Buffer.from('{"error_code":"user_rejected"}')) }) : { kind: 'reply', reply: g };
    } };
    case 'swapFields': return mut('iv and payload swapped', (r) => ({ iv: r.payload, payload: r.iv }));
    default: {
      const field = rng.pick(['iv', 'payload']);
      const value = badValue(rng, 'x');
      return mut(`${field} = ${JSON.stringify(value)?.slice(0, 40)}`, (r) => ({ ...r, [field]: value }));
    }
  }
}

/**
 * World ID tampering of a decrypted reply (4.0 `{id, version, responses}`, 3.0 `{proof, merkle_root, nullifier_hash}`).
 * The fake portal (sim/worldid/portal-verify.ts) binds only nullifier, signal, action and nonce into
 * its fake proof; the real portal also checks a 3.0 merkle_root against the World ID tree and a 4.0
 * proof's issuer_schema_id and expires_at_min, and a 3.0 proof against the tree of its
 * verification_level. So those fields are only given values the cloud's own schema must refuse (else
 * the cloud would be blamed for the portal's check); a 3.0 merkle_root and verification_level, and a
 * duplicated response (one person, one nullifier: test/fuzz/worldid.ts) are not drawn.
 */
function tamperReply(rng: Rng, v: Record<string, unknown>): { name: string; value: unknown } {
  const r = structuredClone(v);
  const responses = Array.isArray(r.responses) ? (r.responses as Array<Record<string, unknown>>) : null;
  const item = responses?.[0];
  const kind = rng.pick(['nullifier', 'proof', 'id', 'issuer', 'identifier', 'expires', 'empty', 'version']);
  switch (kind) {
    case 'nullifier':
      if (item && typeof item.nullifier === 'string') item.nullifier = flipChar(rng, item.nullifier);
      else if (typeof r.nullifier_hash === 'string') r.nullifier_hash = flipChar(rng, r.nullifier_hash);
      break;
    case 'proof':
      if (item && typeof item.proof === 'string') item.proof = flipChar(rng, item.proof);
      else if (typeof r.proof === 'string') r.proof = flipChar(rng, r.proof);
      break;
    case 'id': r.id = rng.pick(['', 'other', '00000000-0000-0000-0000-000000000000']); break;
    case 'issuer': if (item) item.issuer_schema_id = rng.pick([-1, 1.5, '1', null, 2 ** 53]); break;
    case 'identifier': if (item) item.identifier = rng.pick(['device', 'face', 'orb', 'document', 'other']); break;
    case 'expires': if (item) item.expires_at_min = rng.pick([-1, 1.5, '0', null, 2 ** 53]); break;
    case 'empty': if (responses) r.responses = []; break;
    default: r.version = rng.pick([0, 2, 3, '1', null]); break;
  }
  return { name: `tamper ${kind}`, value: r };
}

/** Layer 4: the decrypted World App reply, re-encrypted with the request's key. */
function plaintextMutation(ctx: MutationContext): ReplyMutation {
  const { rng, key } = ctx;
  const kind = rng.weighted({ badJson: 3, shape: 5, errorCode: 4, tamper: 5, foreign: 3, huge: 1, nonUtf8: 1 });
  const mut = (name: string, edit: (plain: string) => Buffer | string): ReplyMutation => ({
    layer: 'plaintext',
    name,
    act(g) {
      const plain = decryptGenuine(key, g);
      if (plain === null) return { kind: 'reply', reply: g };
      const out = edit(plain);
      return jsonReply({ status: 'completed', response: seal(key, Buffer.isBuffer(out) ? out : Buffer.from(out, 'utf8')) });
    },
  });
  const seed = rng.int(0, 2 ** 31);
  const again = () => new Rng(seed);
  switch (kind) {
    case 'badJson': {
      const pick = rng.pick(['truncate', 'garbage', 'empty', 'literal']);
      const lit = rng.pick(['null', '[]', '1', '"x"', 'true', '{}', 'undefined', 'NaN', '{"error_code":}']);
      return mut(`decrypted JSON: ${pick}`, (p) => (pick === 'truncate' ? p.slice(0, again().int(0, p.length - 1)) : pick === 'garbage' ? `${p}}x` : pick === 'empty' ? '' : lit));
    }
    case 'shape': {
      const m = mut('decrypted reply reshaped', (p) => {
        const rm = mutateJson(again(), JSON.parse(p) as unknown);
        m.name = `decrypted reply: ${rm.name}`;
        return rm.raw ?? JSON.stringify(rm.value);
      });
      return m;
    }
    case 'errorCode': {
      const code = rng.weighted({ known: 3, unknown: 3, hostile: 2, nonString: 2 });
      const value: unknown = code === 'known' ? rng.pick(KNOWN_ERRORS)
        : code === 'unknown' ? rng.pick(['some_new_error', 'USER_REJECTED', 'user-rejected', 'user_rejected ', 'ok', 'success', 'completed'])
          : code === 'hostile' ? rng.pick(['', ' ', 'a'.repeat(rng.int(100, 100_000)), '<script>alert(1)</script>', '../../etc', rng.pick(UNICODE), 'x\ny', '"quoted"'])
            : badValue(rng, 'x');
      const extra = rng.chance(0.3) ? { proof: '0x00', nullifier_hash: '0x01' } : {};
      return mut(`error_code ${JSON.stringify(value)?.slice(0, 50)}`, () => JSON.stringify({ error_code: value, ...extra }));
    }
    case 'tamper': {
      const m = mut('tamper', (p) => {
        const t = tamperReply(again(), JSON.parse(p) as Record<string, unknown>);
        m.name = t.name;
        return JSON.stringify(t.value);
      });
      return m;
    }
    case 'foreign': {
      // The pool always holds the probe's reply; later entries come from earlier cases of the run.
      const at = rng.int(0, 2 ** 31);
      return mut("another request's genuine reply", () => ctx.foreign[at % ctx.foreign.length] ?? '{}');
    }
    case 'huge': {
      const mib = rng.int(1, 4);
      return mut(`decrypted reply with a ${mib} MiB field`, (p) => JSON.stringify({ ...(JSON.parse(p) as object), pad: 'x'.repeat(mib * 1024 * 1024) }));
    }
    default: return mut('decrypted reply not UTF-8', (p) => Buffer.concat([Buffer.from(p.slice(0, 10)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(p.slice(10))]));
  }
}

export function drawMutation(ctx: MutationContext, layer: Layer): ReplyMutation {
  switch (layer) {
    case 'http': return httpMutation(ctx.rng, ctx.timeoutMs);
    case 'envelope': return envelopeMutation(ctx.rng);
    case 'crypto': return cryptoMutation(ctx.rng);
    default: return plaintextMutation(ctx);
  }
}
