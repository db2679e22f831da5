import { newId } from '../../../contract/clock';
import type { OperatorRole, OperatorView } from '../../../contract/console-api';
import { iso, type Queryable } from './db';

/** Operator accounts and their sessions (issue 17, migration 009). Emails are stored lower-case. */
export interface OperatorRow {
  id: string;
  email: string;
  role: OperatorRole;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: string | number | null;
  disabled: boolean;
  must_change_password: boolean;
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

export function toOperatorView(r: OperatorRow): OperatorView {
  return {
    email: r.email,
    role: r.role,
    must_change_password: r.must_change_password,
    totp_enabled: r.totp_secret !== null,
    disabled: r.disabled,
    created_at: iso(r.created_at),
    last_login_at: r.last_login_at ? iso(r.last_login_at) : null,
  };
}

/** Inserts an account; undefined when the email exists already. */
export async function insertOperator(
  q: Queryable,
  o: { email: string; role: OperatorRole; passwordHash: string; totpSecret: string | null; now: Date },
): Promise<OperatorRow | undefined> {
  const { rows } = await q.query<OperatorRow>(
    `INSERT INTO operators (id, email, role, password_hash, totp_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (email) DO NOTHING RETURNING *`,
    [newId(), o.email.toLowerCase(), o.role, o.passwordHash, o.totpSecret, o.now],
  );
  return rows[0];
}

export async function findOperator(q: Queryable, email: string): Promise<OperatorRow | undefined> {
  const { rows } = await q.query<OperatorRow>('SELECT * FROM operators WHERE email = $1', [email.toLowerCase()]);
  return rows[0];
}

export async function listOperators(q: Queryable): Promise<OperatorRow[]> {
  const { rows } = await q.query<OperatorRow>('SELECT * FROM operators ORDER BY email');
  return rows;
}

/** A failed login: counts it, and locks the account for lockSec once `maxFailures` are reached in a row. */
export async function recordLoginFailure(q: Queryable, id: string, o: { now: Date; maxFailures: number; lockSec: number }): Promise<void> {
  await q.query(
    `UPDATE operators SET failed_logins = failed_logins + 1,
            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz + make_interval(secs => $4) ELSE locked_until END
      WHERE id = $1`,
    [id, o.maxFailures, o.now, o.lockSec],
  );
}

export async function recordLoginSuccess(q: Queryable, id: string, now: Date, totpStep: number | null): Promise<void> {
  await q.query(
    `UPDATE operators SET failed_logins = 0, locked_until = NULL, last_login_at = $2, totp_last_step = COALESCE($3, totp_last_step) WHERE id = $1`,
    [id, now, totpStep],
  );
}

export async function setPassword(q: Queryable, id: string, passwordHash: string, mustChange: boolean): Promise<void> {
  await q.query('UPDATE operators SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL WHERE id = $1', [
    id, passwordHash, mustChange,
  ]);
}

/** Disables an account and revokes its sessions. False when unknown. */
export async function disableOperator(q: Queryable, email: string, now: Date): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>('UPDATE operators SET disabled = true WHERE email = $1 RETURNING id', [email.toLowerCase()]);
  if (!rows[0]) return false;
  await revokeSessionsOf(q, rows[0].id, now);
  return true;
}

// ---------- sessions ----------

export interface SessionRow {
  id_hash: string;
  operator_id: string;
  csrf_token: string;
  expires_at: Date;
}

export async function insertSession(q: Queryable, s: { idHash: string; operatorId: string; csrfToken: string; now: Date; expiresAt: Date }): Promise<void> {
  await q.query('INSERT INTO operator_sessions (id_hash, operator_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    s.idHash, s.operatorId, s.csrfToken, s.now, s.expiresAt,
  ]);
}

/** A live session (not revoked, not expired) of an enabled account. */
export async function findSession(q: Queryable, idHash: string, now: Date): Promise<{ session: SessionRow; operator: OperatorRow } | undefined> {
  const { rows } = await q.query<OperatorRow & { s_id_hash: string; s_csrf: string; s_expires: Date }>(
    `SELECT o.*, s.id_hash AS s_id_hash, s.csrf_token AS s_csrf, s.expires_at AS s_expires
       FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
      WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND NOT o.disabled`,
    [idHash, now],
  );
  const r = rows[0];
  if (!r) return undefined;
  return { session: { id_hash: r.s_id_hash, operator_id: r.id, csrf_token: r.s_csrf, expires_at: r.s_expires }, operator: r };
}

export async function revokeSession(q: Queryable, idHash: string, now: Date): Promise<void> {
  await q.query('UPDATE operator_sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL', [idHash, now]);
}

export async function revokeSessionsOf(q: Queryable, operatorId: string, now: Date, exceptIdHash?: string): Promise<void> {
  await q.query('UPDATE operator_sessions SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL AND id_hash <> $3', [
    operatorId, now, exceptIdHash ?? '',
  ]);
}
