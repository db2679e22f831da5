import type { Rng } from './rng';

/**
 * Generic mutations of a JSON request body, its raw text, headers, path ids and query strings (issue 8
 * "Fuzzing": drop/duplicate/retype fields, out-of-range numbers, huge and unicode strings, NUL,
 * __proto__/constructor keys, deep nesting, arrays for objects, non-JSON, truncated JSON, oversize).
 */
type Json = unknown;
type Path = Array<string | number>;

export function paths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (prefix.length >= 12) return out; // deeper values (a nested-bomb from an earlier step) are mutated as a whole
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function getAt(v: Json, p: Path): Json {
  return p.reduce<Json>((o, k) => (o as Record<string | number, Json>)?.[k], v);
}

/** Sets (or, with `del`, removes) the value at path `p`; the root path replaces the whole value. */
function setAt(v: Json, p: Path, x: Json, del = false): Json {
  if (p.length === 0) return x;
  const root = clone(v);
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, Json>;
  const k = p[p.length - 1]!;
  if (del) {
    if (Array.isArray(parent)) parent.splice(Number(k), 1);
    else delete parent[k];
  } else parent[k] = x;
  return root;
}

const BAD_NUMBERS: Json[] = [-1, 0, -0, 0.5, 1.5, 99.99, 1e308, -1e308, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1e21, 3e9];
export const UNICODE = ['é', 'ß', '日本語', '🪙💵', '\u202Eevil', 'a\u0301', '\uFEFF', '\u2028', 'Ω≈ç√', '\u0000', 'x\u0000y', '\uD800', '\uDFFF'];
const BAD_STRINGS = ['', ' ', '500', 'null', 'true', "' OR 1=1 --", '%00', '../../etc/passwd', '<script>alert(1)</script>', '${x}', '\\', '"', '\n', '0x00'];

/** A value of another type, or a hostile one of the same type. */
export function badValue(rng: Rng, like: Json): Json {
  const kind = rng.weighted({ number: 3, string: 3, unicode: 2, huge: 1, type: 3, nested: 1 });
  switch (kind) {
    case 'number': return rng.pick(BAD_NUMBERS);
    case 'string': return rng.pick(BAD_STRINGS);
    case 'unicode': return Array.from({ length: rng.int(1, 4) }, () => rng.pick(UNICODE)).join('');
    case 'huge': return rng.pick(['x', 'é', '🪙', '\u0000']).repeat(rng.int(300, 20_000));
    case 'nested': return rng.chance(0.5) ? [like] : { value: like };
    default: return rng.pick([null, true, false, [], {}, typeof like === 'string' ? 42 : 'x', [1, 2, 3]]);
  }
}

export interface BodyMutation {
  name: string;
  /** The JSON value after the mutation (undefined when only raw text is produced). */
  value?: Json;
  /** Raw text to send instead of JSON.stringify(value). */
  raw?: string;
}

/** One structural mutation of a JSON body. */
export function mutateJson(rng: Rng, v: Json): BodyMutation {
  const all = paths(v);
  const p = rng.pick(all);
  const inner = all.filter((x) => x.length > 0);
  const kind = rng.weighted({ drop: 3, retype: 6, add: 2, array: 1, dupKey: 2, proto: 2, deep: 1, extra_event: 1 });
  const where = p.join('.') || '(root)';
  switch (kind) {
    case 'drop': {
      if (inner.length === 0) return { name: 'drop root', value: {} };
      const q = rng.pick(inner);
      return { name: `drop ${q.join('.')}`, value: setAt(v, q, undefined, true) };
    }
    case 'retype': return { name: `retype ${where}`, value: setAt(v, p, badValue(rng, getAt(v, p))) };
    case 'add': {
      const objs = all.filter((x) => { const o = getAt(v, x); return o !== null && typeof o === 'object' && !Array.isArray(o); });
      const q = objs.length ? rng.pick(objs) : [];
      const key = rng.pick(['admin', 'status', 'fee_cents', 'kiosk_id', 'coins', 'x', '', ' ', 'é']);
      return { name: `add ${[...q, key].join('.')}`, value: setAt(v, [...q, key], badValue(rng, 1)) };
    }
    case 'array': return { name: `array for ${where}`, value: setAt(v, p, [getAt(v, p)]) };
    case 'dupKey': {
      // The same key twice in the raw text: JSON.parse keeps the last, so the last one is the bad one.
      const text = JSON.stringify(v);
      const objs = inner.filter((x) => typeof x[x.length - 1] === 'string');
      if (objs.length === 0 || !text.startsWith('{')) return { name: 'dup: none', raw: `${text}${text}` };
      const key = String(rng.pick(objs)[0]);
      const bad = JSON.stringify(badValue(rng, (v as Record<string, Json>)[key]) ?? null);
      return { name: `duplicate key ${key}`, raw: `{${JSON.stringify(key)}:${JSON.stringify((v as Record<string, Json>)[key] ?? null)},${text.slice(1, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(key)}:${bad}}` };
    }
    case 'proto': {
      const text = JSON.stringify(v);
      const key = rng.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString']);
      const val = rng.pick(['{"admin":true}', '{"prototype":{"admin":true}}', 'null', '1', '"x"']);
      if (!text.startsWith('{') || text === '{}') return { name: `${key} at root`, raw: `{"${key}":${val}}` };
      return { name: `${key} key`, raw: `{"${key}":${val},${text.slice(1)}` };
    }
    case 'deep': {
      const depth = rng.int(100, 20_000);
      const open = rng.chance(0.5) ? '['.repeat(depth) : '{"a":'.repeat(depth);
      const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
      return { name: `nested ${depth} deep at ${where}`, raw: JSON.stringify(setAt(v, p, '@@DEEP@@')).replace('"@@DEEP@@"', `${open}1${close}`) };
    }
    default: {
      const arrays = all.filter((x) => Array.isArray(getAt(v, x)));
      if (arrays.length === 0) return { name: 'array root', value: [v] };
      const q = rng.pick(arrays);
      const arr = getAt(v, q) as Json[];
      const n = rng.int(2, 1200);
      return { name: `repeat ${q.join('.')} × ${n}`, value: setAt(v, q, Array.from({ length: n }, () => arr[0])) };
    }
  }
}

/** One mutation of the raw body text (JSON or not). */
export function mutateRaw(rng: Rng, text: string, limit: number): BodyMutation {
  const kind = rng.weighted({ truncate: 3, notJson: 2, bytes: 1, empty: 1, oversize: 2, atLimit: 1, trailing: 1, bom: 1, comment: 1 });
  switch (kind) {
    case 'truncate': {
      const at = rng.int(0, Math.max(0, text.length - 1));
      return { name: `truncated at ${at}/${text.length}`, raw: text.slice(0, at) };
    }
    case 'notJson': return { name: 'not JSON', raw: rng.pick(['code=1&name=x', 'hello', '<xml/>', 'undefined', 'NaN', "{'a':1}", '{a:1}', '[1,]', '{"a":1,}', '\u0000', '{"a":"\\x00"}', '{"a":"\\u00"}']) };
    case 'bytes': return { name: 'random bytes', raw: rng.bytes(rng.int(1, 200)).toString('latin1') };
    case 'empty': return { name: 'empty body', raw: '' };
    case 'oversize': {
      const over = rng.int(1, 64);
      return { name: `body ${limit + over} bytes (limit ${limit})`, raw: padJson(text, limit + over) };
    }
    case 'atLimit': return { name: `body exactly ${limit} bytes`, raw: padJson(text, limit) };
    case 'trailing': return { name: 'trailing garbage', raw: `${text}${rng.pick(['x', '}', ' {}', '\u0000', '[]'])}` };
    case 'bom': return { name: 'BOM prefix', raw: `\uFEFF${text}` };
    default: return { name: 'comment', raw: `/* c */${text}` };
  }
}

/** JSON text of exactly `bytes` UTF-8 bytes: a pad field added (or plain padding for non-objects). */
function padJson(text: string, bytes: number): string {
  const base = text.startsWith('{') && text !== '{}' ? `{"pad":"",${text.slice(1)}` : `{"pad":""}`;
  const need = bytes - Buffer.byteLength(base);
  return need <= 0 ? 'x'.repeat(bytes) : base.replace('"pad":""', `"pad":"${'x'.repeat(need)}"`);
}

export const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json; charset=utf-16',
  'APPLICATION/JSON', 'application/json;;;', 'application/json-patch+json', 'json', '*/*', 'application/xml', ''];

export const BAD_IDS = ['x', '1 OR 1=1', "1' OR '1'='1", '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '%00', '..%2F..%2Fhealthz',
  '%E2%80%AE', '%F0%9F%AA%99', 'null', 'undefined', '-1', '0', '1e9', 'a'.repeat(37), '-'.repeat(36), 'g'.repeat(36), 'a'.repeat(5000), '%ZZ', '%', '{id}', ':id'];

export const BAD_QUERIES = ['admin=1', 'limit=-1', 'limit=0', 'limit=1.5', 'limit=1e3', 'limit=99999999999999999999', 'limit=abc', 'wait=abc', 'wait=-1', 'wait=61', 'wait=1.5',
  'wait=1e9', 'wait[]=0', 'wait=0x0', 'wait=%00', '%ZZ=1', 'wait=%ZZ', 'status=paidd', 'status=', 'since=yesterday', 'since=2025-13-45T00:00:00Z', "kiosk_id=' OR 1=1",
  'kiosk_id=00000000-0000-0000-0000-00000000000g', `x=${'y'.repeat(8000)}`, 'limit=1&limit=2', '&&&', '=', '__proto__[admin]=1', 'constructor=1'];
