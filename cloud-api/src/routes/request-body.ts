import type { Context, MiddlewareHandler } from 'hono';
import { NoBodySchema } from '../../../contract/fleet';
import { ErrorCodes } from '../../../contract/http';
import { HttpError } from '../http-error';

/** The media type application/json, with parameters (charset=…) or none: what the validator behind reads as JSON. */
const JSON_CONTENT_TYPE = /^application\/json(;\s*[a-z0-9-]+=[^;]+)*$/i;

/**
 * Reads a JSON body: a non-JSON content type, malformed JSON and text Postgres cannot store are 400
 * `malformed` — never a 5xx for bad input. The route's strict zod schema is checked after this
 * (api-route.ts validationHook), so unknown fields are 400 too.
 */
async function readJson(c: Context): Promise<unknown> {
  if (!JSON_CONTENT_TYPE.test(c.req.header('content-type') ?? '')) {
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
  return raw;
}

/** Before the body validator of every route with a JSON body (api-route.ts). */
export const jsonBodyGuard: MiddlewareHandler = async (c, next) => {
  await readJson(c);
  await next();
};

/**
 * For a route that takes no fields: an empty body, or `{}` as application/json (strict, like every
 * route). A body without a content type was once ignored and the request served anyway (found by
 * test/fuzz/cloud-routes.ts).
 */
export async function readNoFields(c: Context): Promise<void> {
  if ((await c.req.text()) === '') return;
  const parsed = NoBodySchema.safeParse(await readJson(c));
  if (!parsed.success) throw new HttpError(400, ErrorCodes.malformed, 'invalid request body — this route takes no fields');
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
