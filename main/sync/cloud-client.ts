import { request } from 'undici';
import type { z } from 'zod';
import {
  CreateTransactionResponseSchema,
  EnrollResponseSchema,
  ErrorBodySchema,
  JobAckResponseSchema,
  JobResponseSchema,
  RotateTokenResponseSchema,
  SyncResponseSchema,
  TransactionStatusResponseSchema,
  WorldIdResponseSchema,
  type CreateTransactionRequest,
  type CreateTransactionResponse,
  type EnrollResponse,
  type RotateTokenResponse,
  type SyncResponse,
  type TransactionStatusResponse,
  type WorldIdResponse,
} from '../../contract/http';
import type { RemoteConfig } from '../../contract/remote-config';
import type { AmountPolicy } from '../../contract/amount-rules';
import type { JobPublicKey, SignedJob } from '../../contract/job';
import type { SyncEvent } from '../../contract/sync-events';
import { CloudError } from './cloud-error';
import { enrolmentJobKeys } from './job-keys';
import type { CloudTime } from './cloud-time';

/**
 * HTTP client for the cloud API (ARCHITECTURE.md "Cloud HTTP API", contract/http.ts). Short
 * timeouts; every response body is zod-parsed; every failure is a CloudError.
 */
export interface CloudClient {
  enroll(body: { code: string; name: string }): Promise<EnrollResponse>;
  createTransaction(body: CreateTransactionRequest): Promise<CreateTransactionResponse>;
  /** For a claim (issue 15) the answer also carries `claim`: the coins it pays out here and what stays owed. */
  submitWorldId(transactionId: string, result: Record<string, unknown>): Promise<WorldIdResponse>;
  /** Issue 15: GET /v1/transactions/{id}/status — is a payment pending, confirmed, has the session ended. */
  transactionStatus(transactionId: string, abort?: AbortSignal): Promise<TransactionStatusResponse>;
  /** Long-poll: the next signed job, or null after `waitSec` with none. */
  nextJob(waitSec: number, abort?: AbortSignal): Promise<SignedJob | null>;
  ackJob(jobId: string): Promise<void>;
  sync(events: SyncEvent[]): Promise<SyncResponse>;
  /** POST /v1/kiosks/token, authenticated with `bearer` (the stored token, or the new one on a resumed rotation). */
  rotateToken(newToken: string, bearer: string): Promise<RotateTokenResponse>;
}

export interface CloudClientOptions {
  baseUrl: string;
  /** Read on every call, so the token saved at enrolment is used at once. */
  token: () => string | null;
  timeoutMs?: number;
  /** Fed the Date header of every answer, so job expiry is judged in the cloud's time. */
  cloudTime?: CloudTime;
  /** Given the cloud's limits and fee whenever an enrolment or sync answer carries them. */
  onAmountPolicy?: (policy: AmountPolicy) => void;
  /** Issue 17: the operator's desired remote config, from a sync answer (kiosk/remote-config.ts). */
  onRemoteConfig?: (cfg: RemoteConfig) => void;
  /** Given the job keys the cloud announces (enrolment: always, the one key if it names no set; sync: when sent). */
  onJobKeys?: (keys: JobPublicKey[]) => void;
}

interface Call<T extends z.ZodTypeAny> {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  schema: T | null;
  timeoutMs: number;
  abort?: AbortSignal;
  auth?: boolean;
  /** This token instead of the stored one. */
  bearer?: string;
}

export function createCloudClient(opts: CloudClientOptions): CloudClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call<T extends z.ZodTypeAny>(c: Call<T>): Promise<{ status: number; value: z.infer<T> | null }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    if (c.auth !== false) {
      const token = c.bearer ?? opts.token();
      if (!token) throw new CloudError('not_enrolled', 0, 'this kiosk is not enrolled yet: set ENROLLMENT_CODE and restart');
      headers.authorization = `Bearer ${token}`;
    }
    const signals = [AbortSignal.timeout(c.timeoutMs), ...(c.abort ? [c.abort] : [])];
    let res: Awaited<ReturnType<typeof request>>;
    let text: string;
    try {
      res = await request(`${base}${c.path}`, {
        method: c.method,
        headers,
        body: c.body === undefined ? undefined : JSON.stringify(c.body),
        signal: AbortSignal.any(signals),
      });
      text = await res.body.text();
      opts.cloudTime?.observe(res.headers.date);
    } catch (cause) {
      const aborted = c.abort?.aborted === true;
      throw new CloudError(aborted ? 'aborted' : 'offline', 0, aborted ? 'request aborted' : `the cloud did not answer ${c.method} ${c.path}`, { cause });
    }
    return { status: res.statusCode, value: parseBody(c, res.statusCode, text) };
  }

  return {
    async enroll(body) {
      const r = await call({ method: 'POST', path: '/v1/kiosks/enroll', body, schema: EnrollResponseSchema, timeoutMs, auth: false });
      const value = r.value as EnrollResponse;
      if (value.amount_policy) opts.onAmountPolicy?.(value.amount_policy);
      opts.onJobKeys?.(value.job_public_keys ?? enrolmentJobKeys(value));
      return value;
    },
    async createTransaction(body) {
      const r = await call({ method: 'POST', path: '/v1/transactions', body, schema: CreateTransactionResponseSchema, timeoutMs });
      return r.value as CreateTransactionResponse;
    },
    async submitWorldId(id, result) {
      const path = `/v1/transactions/${encodeURIComponent(id)}/world-id`;
      const r = await call({ method: 'POST', path, body: { result }, schema: WorldIdResponseSchema, timeoutMs: timeoutMs * 2 });
      return r.value as WorldIdResponse;
    },
    async transactionStatus(id, abort) {
      const path = `/v1/transactions/${encodeURIComponent(id)}/status`;
      const r = await call({ method: 'GET', path, schema: TransactionStatusResponseSchema, timeoutMs, ...(abort ? { abort } : {}) });
      return r.value as TransactionStatusResponse;
    },
    async nextJob(waitSec, abort) {
      const wait = Math.max(0, Math.floor(waitSec));
      const path = `/v1/jobs/next?wait=${wait}`;
      const r = await call({ method: 'GET', path, schema: JobResponseSchema, timeoutMs: wait * 1000 + timeoutMs, ...(abort ? { abort } : {}) });
      return r.status === 204 || r.value === null ? null : (r.value as { job: SignedJob }).job;
    },
    async ackJob(jobId) {
      const path = `/v1/jobs/${encodeURIComponent(jobId)}/ack`;
      await call({ method: 'POST', path, body: {}, schema: JobAckResponseSchema, timeoutMs });
    },
    async sync(events) {
      const r = await call({ method: 'POST', path: '/v1/sync', body: { events }, schema: SyncResponseSchema, timeoutMs: timeoutMs * 3 });
      const value = r.value as SyncResponse;
      if (value.amount_policy) opts.onAmountPolicy?.(value.amount_policy);
      if (value.job_public_keys) opts.onJobKeys?.(value.job_public_keys);
      if (value.remote_config) opts.onRemoteConfig?.(value.remote_config);
      return value;
    },
    async rotateToken(newToken, bearer) {
      const r = await call({ method: 'POST', path: '/v1/kiosks/token', body: { new_token: newToken }, schema: RotateTokenResponseSchema, timeoutMs, bearer });
      return r.value as RotateTokenResponse;
    },
  };
}

function parseBody<T extends z.ZodTypeAny>(c: Call<T>, status: number, text: string): z.infer<T> | null {
  let json: unknown = undefined;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (status >= 400) {
    const e = ErrorBodySchema.safeParse(json);
    const code = e.success ? e.data.error.code : `http_${status}`;
    const message = e.success ? e.data.error.message : `the cloud answered ${status} to ${c.method} ${c.path}`;
    throw new CloudError(code, status, message);
  }
  if (status === 204 || c.schema === null) return null;
  const parsed = c.schema.safeParse(json);
  if (!parsed.success) {
    throw new CloudError('bad_response', status, `the cloud's answer to ${c.method} ${c.path} does not match the contract`, { cause: parsed.error });
  }
  return parsed.data as z.infer<T>;
}
