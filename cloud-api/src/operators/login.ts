import { randomBytes } from 'node:crypto';
import { ConsoleErrorCodes } from '../../../contract/console-api';
import { insertAudit } from '../db/audit';
import { findOperator, insertSession, recordLoginFailure, recordLoginSuccess, type OperatorRow } from '../db/operators';
import type { Deps } from '../deps';
import { HttpError } from '../http-error';
import { sha256Hex } from '../secrets';
import { DUMMY_HASH, verifyPassword } from './password';
import { matchTotp } from './totp';

/** A login refused while locked: 423 `locked` with the seconds left. */
export class LockedError extends HttpError {
  constructor(readonly retryAfterSec: number) {
    super(423, ConsoleErrorCodes.locked, `too many failed logins; try again in ${retryAfterSec} s or ask an admin to reset the account`);
  }
}

const badCredentials = () => new HttpError(401, ConsoleErrorCodes.badCredentials, 'wrong email or password');

/**
 * POST /v1/auth/login (issue 17): password (scrypt), then the TOTP code when the account has one. Each wrong password or
 * code counts; OPERATOR_LOGIN_MAX_FAILURES in a row lock the account for OPERATOR_LOCKOUT_SEC (423 even with the right
 * password). An unknown email costs the same scrypt work and says the same as a wrong password. A disabled account
 * cannot log in. Success starts a session: a random token (the cookie; stored as SHA-256) and a CSRF token.
 */
export async function login(deps: Deps, body: { email: string; password: string; totp?: string }) {
  const now = deps.clock.now();
  const cfg = deps.config;
  const row = await findOperator(deps.db, body.email);
  if (!row) {
    await verifyPassword(body.password, DUMMY_HASH);
    throw badCredentials();
  }
  if (row.locked_until && row.locked_until.getTime() > now.getTime()) {
    throw new LockedError(Math.ceil((row.locked_until.getTime() - now.getTime()) / 1000));
  }
  const fail = async (why: string, err: HttpError): Promise<never> => {
    await recordLoginFailure(deps.db, row.id, { now, maxFailures: cfg.OPERATOR_LOGIN_MAX_FAILURES, lockSec: cfg.OPERATOR_LOCKOUT_SEC });
    await insertAudit(deps.db, { actor: row.email, action: 'session.login_failed', details: { why } }, now);
    throw err;
  };
  if (!(await verifyPassword(body.password, row.password_hash))) return fail('password', badCredentials());
  if (row.disabled) throw badCredentials();
  let step: number | null = null;
  if (row.totp_secret) {
    const totpRequired = new HttpError(401, ConsoleErrorCodes.totpRequired, 'enter the six-digit code from your authenticator app');
    if (!body.totp) throw totpRequired;
    const lastStep = row.totp_last_step === null ? null : Number(row.totp_last_step);
    step = matchTotp(row.totp_secret, body.totp, now.getTime(), lastStep) ?? null;
    if (step === null) return fail('totp', totpRequired);
  }
  return startSession(deps, row, now, step);
}

async function startSession(deps: Deps, row: OperatorRow, now: Date, totpStep: number | null) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + deps.config.OPERATOR_SESSION_TTL_SEC * 1000);
  await deps.db.tx(async (q) => {
    await recordLoginSuccess(q, row.id, now, totpStep);
    await insertSession(q, { idHash: sha256Hex(token), operatorId: row.id, csrfToken, now, expiresAt });
    await insertAudit(q, { actor: row.email, action: 'session.login' }, now);
  });
  const fresh = (await findOperator(deps.db, row.email)) ?? row;
  return { row: fresh, token, csrfToken, expiresAt };
}
