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
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HttpError(400, ErrorCodes.malformed, `invalid request body — ${detail}`);
  }
  return parsed.data;
}

/** Reads the query string through a strict zod schema; unknown or bad parameters are 400 `malformed`. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S, hint: string): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new HttpError(400, ErrorCodes.malformed, hint);
  return parsed.data;
}
