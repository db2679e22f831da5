import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { CodedError } from '../../contract/coded-error';
import { ErrorCodes } from '../../contract/http';

/** The one error type routes throw; the handler turns it into `{"error":{"code","message"}}`. */
export class HttpError extends CodedError {
  constructor(readonly status: ContentfulStatusCode, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'HttpError';
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Maps thrown errors to the contract body; anything unexpected is a logged 500 with no detail. */
export function errorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof HttpError) return c.json(errorBody(err.code, err.message), err.status);
    // The validators' own refusals (unreadable JSON, 415 media type) are bad input too; the house body
    // guard (routes/request-body.ts) answers them first, so this is only a safety net.
    if (err instanceof HTTPException && err.status < 500) return c.json(errorBody(ErrorCodes.malformed, err.message), 400);
    log.error({ err, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error; the request may be retried'), 500);
  };
}

export const notFound = (what: string) => new HttpError(404, ErrorCodes.notFound, `${what} not found`);
