import type { z } from 'zod';
import type { KioskHealthStateSchema, KioskListItem } from '../../../contract/console-api';
import { iso, type Queryable } from './db';
import { decodeCursor, pageFrom } from './keyset-cursor';

/** The console's fleet list (issue 17): kiosk_health (migration 002) with the remote config, keyset-paged oldest first. */
type Row = {
  id: string; name: string; created_at: Date; last_seen_at: Date | null; revoked_at: Date | null; heartbeat_at: Date | null;
  coins_available: number | null; hopper_ok: boolean | null; outbox_depth: number | null; version: string | null; open_jobs: number;
  rc_version: number | null; rc_in_service: boolean | null; rc_reason: string | null; rc_applied_version: number | null;
};

const isoOrNull = (v: Date | null) => (v === null ? null : iso(v));

export interface KioskListOptions {
  now: Date;
  silentSec: number;
  lowCoins: number;
}

/** One state for the list's colour, worst first: revoked, out of service, silent, hopper fault, low coins, ok. */
function healthOf(r: Row, silent: boolean, low: boolean): z.infer<typeof KioskHealthStateSchema> {
  if (r.revoked_at) return 'revoked';
  if (r.rc_in_service === false) return 'out_of_service';
  if (silent) return 'silent';
  if (r.hopper_ok === false) return 'hopper_fault';
  if (low) return 'low_coins';
  return 'ok';
}

export function toKioskListItem(r: Row, o: KioskListOptions): KioskListItem {
  const contact = r.last_seen_at ?? r.created_at;
  const silent = r.revoked_at === null && o.now.getTime() - new Date(contact).getTime() > o.silentSec * 1000;
  const low = r.coins_available !== null && r.coins_available < o.lowCoins;
  return {
    id: r.id, name: r.name, created_at: iso(r.created_at), last_seen_at: isoOrNull(r.last_seen_at), revoked_at: isoOrNull(r.revoked_at),
    heartbeat_at: isoOrNull(r.heartbeat_at), coins_available: r.coins_available, hopper_ok: r.hopper_ok, outbox_depth: r.outbox_depth,
    version: r.version, open_jobs: r.open_jobs, silent,
    health: healthOf(r, silent, low),
    low_coins: low,
    out_of_service_reason: r.rc_in_service === false ? (r.rc_reason ?? 'taken out of service by an operator') : null,
    desired_config_version: r.rc_version ?? 0,
    applied_config_version: r.rc_applied_version,
  };
}

const SELECT = `SELECT h.*, rc.version AS rc_version, rc.in_service AS rc_in_service, rc.reason AS rc_reason, rc.applied_version AS rc_applied_version
  FROM kiosk_health h LEFT JOIN kiosk_remote_config rc ON rc.kiosk_id = h.id`;

export async function listKiosksPage(q: Queryable, o: KioskListOptions & { cursor?: string; limit: number }) {
  const after = o.cursor ? decodeCursor(o.cursor) : undefined;
  const { rows } = await q.query<Row>(
    `${SELECT} WHERE ($1::timestamptz IS NULL OR (h.created_at, h.id) > ($1::timestamptz, $2::uuid)) ORDER BY h.created_at, h.id LIMIT $3`,
    [after?.t ?? null, after?.id ?? null, o.limit + 1],
  );
  return pageFrom(rows, o.limit, (r) => ({ t: r.created_at, id: r.id }), (r) => toKioskListItem(r, o));
}

export async function getKioskItem(q: Queryable, id: string, o: KioskListOptions): Promise<KioskListItem | undefined> {
  const { rows } = await q.query<Row>(`${SELECT} WHERE h.id = $1`, [id]);
  return rows[0] ? toKioskListItem(rows[0], o) : undefined;
}

export type KioskEventRow = { seq: number; type: string; payload: Record<string, unknown>; occurred_at: Date; received_at: Date; flagged: string | null };
export const toKioskEventView = (r: KioskEventRow) => ({ ...r, occurred_at: iso(r.occurred_at), received_at: iso(r.received_at) });

/** A kiosk's newest events; `faults` = payouts that did not complete and heartbeats with the hopper not ok. */
export async function recentKioskEvents(q: Queryable, kioskId: string, o: { limit: number; faults?: boolean }) {
  const where = o.faults
    ? `AND ((type = 'payout.result' AND payload->>'outcome' <> 'completed') OR (type = 'kiosk.heartbeat' AND payload->>'hopper_ok' = 'false'))`
    : '';
  const { rows } = await q.query<KioskEventRow>(
    `SELECT seq, type, payload, occurred_at, received_at, flagged FROM kiosk_events WHERE kiosk_id = $1 ${where} ORDER BY seq DESC LIMIT $2`,
    [kioskId, o.limit],
  );
  return rows.map(toKioskEventView);
}

