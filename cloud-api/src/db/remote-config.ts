import type { KioskRemoteConfig } from '../../../contract/console-api';
import { KioskOverridesSchema, type KioskOverrides, type RemoteConfig } from '../../../contract/remote-config';
import { iso, type Queryable } from './db';

/**
 * Remote control (issue 17): the operator's desired state of a kiosk (in service or not, limit and fee overrides) with
 * a version bumped on every change. Delivered in every sync answer; the kiosk applies it when no customer or admin
 * session is open and reports `config.applied` with the version, stored here as applied_version.
 */
export interface RemoteConfigRow {
  kiosk_id: string;
  version: number;
  in_service: boolean;
  reason: string | null;
  overrides: KioskOverrides;
  applied_version: number | null;
  applied_at: Date | null;
}

export const DEFAULT_REMOTE_CONFIG: KioskRemoteConfig = {
  desired_version: 0,
  desired: { in_service: true, reason: null, overrides: {} },
  applied_version: null,
  applied_at: null,
};

export function toRemoteConfig(r: RemoteConfigRow | undefined): KioskRemoteConfig {
  if (!r) return DEFAULT_REMOTE_CONFIG;
  return {
    desired_version: r.version,
    desired: { in_service: r.in_service, reason: r.reason, overrides: r.overrides },
    applied_version: r.applied_version,
    applied_at: r.applied_at ? iso(r.applied_at) : null,
  };
}

export async function getRemoteConfig(q: Queryable, kioskId: string): Promise<RemoteConfigRow | undefined> {
  const { rows } = await q.query<RemoteConfigRow>('SELECT * FROM kiosk_remote_config WHERE kiosk_id = $1', [kioskId]);
  return rows[0];
}

/** Changes the desired state (only the fields given) and bumps the version; one statement, so two operators never share a version. */
export async function updateRemoteConfig(
  q: Queryable,
  kioskId: string,
  change: { in_service?: boolean; reason?: string | null; overrides?: KioskOverrides },
  o: { now: Date; by: string },
): Promise<RemoteConfigRow> {
  const { rows } = await q.query<RemoteConfigRow>(
    `INSERT INTO kiosk_remote_config (kiosk_id, version, in_service, reason, overrides, updated_at, updated_by)
     VALUES ($1, 1, COALESCE($2, true), $3, COALESCE($4::jsonb, '{}'::jsonb), $5, $6)
     ON CONFLICT (kiosk_id) DO UPDATE SET
       version = kiosk_remote_config.version + 1,
       in_service = COALESCE($2, kiosk_remote_config.in_service),
       reason = CASE WHEN $7 THEN $3 ELSE kiosk_remote_config.reason END,
       overrides = COALESCE($4::jsonb, kiosk_remote_config.overrides),
       updated_at = $5, updated_by = $6
     RETURNING *`,
    [kioskId, change.in_service ?? null, change.reason ?? null, change.overrides ? JSON.stringify(change.overrides) : null, o.now, o.by,
      change.reason !== undefined],
  );
  return rows[0]!;
}

/** The kiosk's `config.applied` report: the highest version it applied (never goes back). */
export async function recordConfigApplied(q: Queryable, kioskId: string, version: number, at: Date): Promise<void> {
  await q.query(
    `UPDATE kiosk_remote_config SET applied_version = $2, applied_at = $3
      WHERE kiosk_id = $1 AND $2 <= version AND (applied_version IS NULL OR applied_version < $2)`,
    [kioskId, version, at],
  );
}

/** What the sync answer delivers; undefined when the operator never set anything for this kiosk. */
export function toDelivery(r: RemoteConfigRow | undefined): RemoteConfig | undefined {
  return r ? { version: r.version, in_service: r.in_service, reason: r.reason, overrides: r.overrides } : undefined;
}

/**
 * The overrides the kiosk last reported applying (its newest config.applied event; index kiosk_events_type_seq), or
 * null: the cloud prices a kiosk's transactions with what its screen shows, not with a version still waiting for idle.
 */
export async function appliedOverrides(q: Queryable, kioskId: string): Promise<KioskOverrides | null> {
  const { rows } = await q.query<{ payload: { overrides?: unknown } }>(
    `SELECT payload FROM kiosk_events WHERE kiosk_id = $1 AND type = 'config.applied' ORDER BY seq DESC LIMIT 1`,
    [kioskId],
  );
  const parsed = KioskOverridesSchema.safeParse(rows[0]?.payload.overrides);
  return parsed.success ? parsed.data : null;
}
