import type { z } from 'zod';
import { ErrorBodySchema } from '../../contract/http';
import { CSRF_HEADER } from '../../contract/console-api';
import { SessionResponseSchema as SessionSchema, type Session } from './schemas';

/** A refusal from the cloud, with its house error code (`bad_credentials`, `totp_required`, `forbidden_role`, …). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined | null>;

/** `?a=1&b=2` from the non-empty values (empty filters are left out, so the URL shows only what was asked). */
export function queryString(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface ConsoleApi {
  get<S extends z.ZodType>(path: string, schema: S, query?: Query): Promise<z.output<S>>;
  send<S extends z.ZodType>(method: 'POST' | 'PUT' | 'DELETE', path: string, schema: S, body?: unknown): Promise<z.output<S>>;
  /** Logs in; keeps the session's CSRF token for the writes that follow. */
  login(email: string, password: string, totp?: string): Promise<Session>;
  /** The current session, or null when there is none (401). */
  me(): Promise<Session | null>;
  logout(): Promise<void>;
  /** Called on any 401 after login: the session expired or was revoked. */
  onUnauthorized(fn: () => void): void;
}

/**
 * The console's HTTP client (issue 17): same-origin cookie session; every state-changing request carries
 * `X-CSRF-Token` (the double-submit token the login/me answer gave, bound to the session). Every answer is
 * parsed with its zod schema; an error answer becomes an ApiError with the cloud's code.
 */
export function createConsoleApi(o: { baseUrl?: string; fetch?: typeof fetch } = {}): ConsoleApi {
  const base = o.baseUrl ?? '';
  const doFetch = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  let csrf: string | undefined;
  let unauthorized: () => void = () => undefined;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET' && csrf) headers[CSRF_HEADER] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(`${base}${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const json: unknown = text ? safeJson(text) : {};
    if (!res.ok) {
      const err = ErrorBodySchema.safeParse(json);
      const e = err.success ? new ApiError(res.status, err.data.error.code, err.data.error.message) : new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status}`);
      if (res.status === 401 && path !== '/v1/auth/login' && path !== '/v1/auth/me') unauthorized();
      throw e;
    }
    return json;
  }

  const remember = (s: Session): Session => {
    csrf = s.csrf_token;
    return s;
  };

  return {
    get: async (path, schema, query) => schema.parse(await call('GET', `${path}${queryString(query)}`)),
    send: async (method, path, schema, body) => schema.parse(await call(method, path, body ?? (method === 'DELETE' ? undefined : {}))),
    login: async (email, password, totp) => remember(SessionSchema.parse(await call('POST', '/v1/auth/login', totp ? { email, password, totp } : { email, password }))),
    async me() {
      try {
        return remember(SessionSchema.parse(await call('GET', '/v1/auth/me')));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    async logout() {
      await call('POST', '/v1/auth/logout', {}).catch(() => undefined);
      csrf = undefined;
    },
    onUnauthorized(fn) {
      unauthorized = fn;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { code: 'not_json', message: text.slice(0, 200) } };
  }
}

/** What an operator reads when something is refused (the cloud's code, in words). */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const words: Record<string, string> = {
      bad_credentials: 'Wrong email or password.',
      totp_required: 'Enter the 6-digit code from your authenticator app.',
      locked: 'Too many failed attempts: this account is locked for a while.',
      forbidden_role: 'Your role does not allow this.',
      csrf_invalid: 'The page is out of date: reload it and try again.',
      password_change_required: 'Choose your own password first.',
      password_weak: 'That password is too weak: use at least 12 characters.',
      credit_not_open: 'This credit is already settled or collected.',
      unauthorized: 'Your session ended: log in again.',
    };
    return words[e.code] ?? `${e.message} (${e.code})`;
  }
  return e instanceof Error ? `Could not reach the cloud: ${e.message}` : 'Something went wrong.';
}
