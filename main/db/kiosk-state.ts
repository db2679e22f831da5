import { z } from 'zod';
import { AmountPolicySchema, type AmountPolicy } from '../../contract/amount-rules';
import { JobPublicKeySchema, type JobPublicKey } from '../../contract/job';
import type { KioskDb } from './open-db';

/** Key/value kiosk state (enrolment, settings). Values are JSON; read back through zod. */
export function getStateValue(db: KioskDb, key: string): unknown {
  const row = db.prepare('SELECT value FROM kiosk_state WHERE key = ?').pluck().get(key) as string | undefined;
  return row === undefined ? undefined : (JSON.parse(row) as unknown);
}

export function setStateValue(db: KioskDb, key: string, value: unknown): void {
  db.prepare('INSERT INTO kiosk_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    JSON.stringify(value),
  );
}

export const EnrollmentSchema = z.object({
  kiosk_id: z.uuid(),
  token: z.string().min(32),
  /** Ed25519 public key, SPKI DER, base64 — checks every dispense job's signature. */
  job_public_key: z.string().min(1),
});
export type Enrollment = z.infer<typeof EnrollmentSchema>;

const ENROLLMENT_KEY = 'enrollment';

export function getEnrollment(db: KioskDb): Enrollment | null {
  const raw = getStateValue(db, ENROLLMENT_KEY);
  if (raw === undefined) return null;
  return EnrollmentSchema.parse(raw);
}

export function saveEnrollment(db: KioskDb, enrollment: Enrollment): void {
  setStateValue(db, ENROLLMENT_KEY, EnrollmentSchema.parse(enrollment));
}

const AMOUNT_POLICY_KEY = 'amount_policy';

/** The cloud's limits and fee as last delivered (enrolment or sync); null before the first contact. */
export function getAmountPolicy(db: KioskDb): AmountPolicy | null {
  const raw = getStateValue(db, AMOUNT_POLICY_KEY);
  if (raw === undefined) return null;
  const parsed = AmountPolicySchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function saveAmountPolicy(db: KioskDb, policy: AmountPolicy): void {
  setStateValue(db, AMOUNT_POLICY_KEY, AmountPolicySchema.parse(policy));
}

const JOB_KEYS_KEY = 'job_public_keys';

/** The job keys the cloud last announced (enrolment or sync); null when it never did (sync/job-keys.ts). */
export function getJobKeys(db: KioskDb): JobPublicKey[] | null {
  const raw = getStateValue(db, JOB_KEYS_KEY);
  if (raw === undefined) return null;
  const parsed = z.array(JobPublicKeySchema).min(1).safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function saveJobKeys(db: KioskDb, keys: readonly JobPublicKey[]): void {
  setStateValue(db, JOB_KEYS_KEY, z.array(JobPublicKeySchema).min(1).parse(keys));
}

const PENDING_TOKEN_KEY = 'pending_token';

/**
 * A kiosk token made for a rotation and stored BEFORE the cloud is asked (sync/token-rotation.ts), so a
 * crash at any point leaves the kiosk holding every token the cloud may accept.
 */
export function getPendingToken(db: KioskDb): string | null {
  const parsed = z.string().min(32).safeParse(getStateValue(db, PENDING_TOKEN_KEY));
  return parsed.success ? parsed.data : null;
}

export function savePendingToken(db: KioskDb, token: string): void {
  setStateValue(db, PENDING_TOKEN_KEY, z.string().min(32).parse(token));
}

/** The cloud took the pending token: it becomes the enrolment's token, in ONE SQLite transaction. */
export function promotePendingToken(db: KioskDb): Enrollment | null {
  return db.transaction((): Enrollment | null => {
    const pending = getPendingToken(db);
    const enrollment = getEnrollment(db);
    if (!pending || !enrollment) return enrollment;
    const next = { ...enrollment, token: pending };
    saveEnrollment(db, next);
    db.prepare('DELETE FROM kiosk_state WHERE key = ?').run(PENDING_TOKEN_KEY);
    return next;
  })();
}
