import type { Context } from 'hono';
import type { z } from 'zod';
import { ErrorCodes } from '../../../contract/http';
import { HttpError } from '../http-error';

/**
 * Reads a JSON body through a strict zod schema: non-JSON content-type, malformed JSON and any shape
 * error (unknown fields included) are 400 `malformed` — never a 5xx for bad input.
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(400, ErrorCodes.malformed, 'send the body as application/json');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch (cause) {
    throw new HttpError(400, ErrorCodes.malformed, 'the body is not valid JSON', { cause });
  }
  const bad = unstorableText(raw);
  if (bad) throw new HttpError(400, ErrorCodes.malformed, `invalid request body — ${bad}`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HttpError(400, ErrorCodes.malformed, `invalid request body — ${detail}`);
  }
  return parsed.data;
}

// NUL, or a UTF-16 surrogate without its pair (JSON allows both as \u escapes).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Postgres text and jsonb cannot hold NUL or unpaired surrogates: a string (or key) with one is bad
 * input, answered 400 here rather than 500 from the database (found by test/fuzz/cloud-routes.ts). Walks
 * the parsed value without recursion, so a deeply nested body cannot overflow the stack.
 */
function unstorableText(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return 'text must not contain NUL or unpaired surrogates';
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push(k, x);
    }
  }
  return undefined;
}

/** Reads the query string through a strict zod schema; unknown or bad parameters are 400 `malformed`. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S, hint: string): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new HttpError(400, ErrorCodes.malformed, hint);
  return parsed.data;
}
