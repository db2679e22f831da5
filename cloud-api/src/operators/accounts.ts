import type { OperatorRole } from '../../../contract/console-api';
import type { Queryable } from '../db/db';
import { disableOperator, findOperator, insertOperator, revokeSessionsOf, setPassword, type OperatorRow } from '../db/operators';
import { hashPassword, randomPassword } from './password';
import { newTotpSecret, totpUri } from './totp';

/**
 * Account management shared by `npm run operator` (operator-cli.ts) and the admin routes (routes/operators.ts):
 * a new or reset account gets a random password it must change at first login (issue 17).
 */
export interface CreatedOperator {
  row: OperatorRow;
  password: string;
  totpSecret: string | null;
  totpUri: string | null;
}

/** undefined when the email exists already. */
export async function createOperator(q: Queryable, o: { email: string; role: OperatorRole; totp: boolean; now: Date }): Promise<CreatedOperator | undefined> {
  const password = randomPassword();
  const totpSecret = o.totp ? newTotpSecret() : null;
  const row = await insertOperator(q, { email: o.email, role: o.role, passwordHash: await hashPassword(password), totpSecret, now: o.now });
  if (!row) return undefined;
  return { row, password, totpSecret, totpUri: totpSecret ? totpUri(totpSecret, row.email) : null };
}

/** A new random password (must be changed), lockout cleared, every session revoked. undefined when unknown. */
export async function resetOperator(q: Queryable, email: string, now: Date): Promise<{ row: OperatorRow; password: string } | undefined> {
  const row = await findOperator(q, email);
  if (!row) return undefined;
  const password = randomPassword();
  await setPassword(q, row.id, await hashPassword(password), true);
  await revokeSessionsOf(q, row.id, now);
  const after = await findOperator(q, email);
  return after ? { row: after, password } : undefined;
}

export { disableOperator };
