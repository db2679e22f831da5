import { useState, type FormEvent } from 'react';
import { KioskConfigResponseSchema, type KioskDetail } from '../api/schemas';
import { time } from '../ui/format';
import { Facts, Notice } from '../ui/parts';
import { RoleGate, useSession } from '../ui/session';
import { useAction } from '../ui/use-action';

/**
 * Remote control that waits for idle (issue 17): out of service / back in service, and overrides of limits
 * and fee. The cloud stores them as desired config with a version; the kiosk applies them when no session is
 * open and reports `config.applied`, so the page shows desired vs applied. Service: operator role or above; overrides: admin.
 */
export function ServiceControl({ detail, onDone }: { detail: KioskDetail; onDone(): void }) {
  const { api } = useSession();
  const [reason, setReason] = useState('');
  const a = useAction();
  const wantsOut = !detail.config.desired.in_service;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = wantsOut ? { in_service: true } : { in_service: false, reason: reason.trim() || 'taken out of service by an operator' };
    const done = wantsOut ? 'Back in service: the kiosk applies it when idle.' : 'Out of service: the kiosk applies it when idle.';
    if (await a.run(() => api.send('POST', `/v1/fleet/kiosks/${detail.kiosk.id}/service`, KioskConfigResponseSchema, body), done)) onDone();
  }
  return (
    <RoleGate role="operator">
      <form className="inline-form" onSubmit={submit} aria-label="Service">
        {!wantsOut ? (
          <>
            <label htmlFor="oos-reason">Reason</label>
            <input id="oos-reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} placeholder="e.g. refill" data-testid="oos-reason" />
          </>
        ) : null}
        <button type="submit" className={wantsOut ? 'primary' : 'danger'} disabled={a.busy} data-testid={wantsOut ? 'back-in-service' : 'out-of-service'}>
          {wantsOut ? 'Back in service' : 'Take out of service'}
        </button>
      </form>
      <Notice notice={a.notice} />
    </RoleGate>
  );
}

/** Dollars typed by the operator as integer cents (undefined when left empty). */
export const toCents = (dollarsText: string): number | undefined => (dollarsText.trim() === '' ? undefined : Math.round(Number(dollarsText) * 100));

export function RemoteConfig({ detail, onDone }: { detail: KioskDetail; onDone(): void }) {
  const { api } = useSession();
  const cfg = detail.config;
  const o = cfg.desired.overrides;
  const [min, setMin] = useState(o.limits ? String(o.limits.min_cents / 100) : '');
  const [max, setMax] = useState(o.limits ? String(o.limits.max_cents / 100) : '');
  const [flat, setFlat] = useState(o.fee ? (o.fee.flat_cents / 100).toFixed(2) : '');
  const [bps, setBps] = useState(o.fee ? String(o.fee.bps) : '');
  const a = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const minC = toCents(min);
    const maxC = toCents(max);
    const flatC = toCents(flat);
    const body = {
      ...(minC !== undefined && maxC !== undefined ? { limits: { min_cents: minC, max_cents: maxC } } : {}),
      ...(flatC !== undefined || bps.trim() ? { fee: { flat_cents: flatC ?? 0, bps: Number(bps || 0) } } : {}),
    };
    if (await a.run(() => api.send('PUT', `/v1/fleet/kiosks/${detail.kiosk.id}/overrides`, KioskConfigResponseSchema, body), 'Overrides saved: the kiosk applies them when idle.')) onDone();
  }
  const pending = cfg.desired_version !== cfg.applied_version;
  return (
    <div>
      <Facts
        items={[
          ['Desired', <span data-testid="desired-config">version {cfg.desired_version}: {cfg.desired.in_service ? 'in service' : `out of service (${cfg.desired.reason ?? 'no reason'})`}</span>],
          ['Applied', <span data-testid="applied-version">{cfg.applied_version === null ? 'nothing yet' : `version ${cfg.applied_version}, ${time(cfg.applied_at)}`}</span>],
          ['Overrides', <code>{Object.keys(o).length ? JSON.stringify(o) : 'none (the cloud defaults)'}</code>],
        ]}
      />
      {pending ? (
        <p className="muted" role="status" data-testid="config-pending">
          Waiting for the kiosk to be idle to apply version {cfg.desired_version}.
        </p>
      ) : (
        <p className="muted" data-testid="config-applied">
          The kiosk runs the desired configuration.
        </p>
      )}
      {/* Overrides are configuration: admin only, as the cloud's route says (issue 17 roles). */}
      <RoleGate role="admin">
        <form className="grid-form" onSubmit={submit} aria-label="Overrides">
          <label htmlFor="ov-min">Minimum ($)</label>
          <input id="ov-min" type="number" min="1" step="1" value={min} onChange={(e) => setMin(e.target.value)} data-testid="ov-min" />
          <label htmlFor="ov-max">Maximum ($)</label>
          <input id="ov-max" type="number" min="1" step="1" value={max} onChange={(e) => setMax(e.target.value)} data-testid="ov-max" />
          <label htmlFor="ov-flat">Flat fee ($)</label>
          <input id="ov-flat" type="number" min="0" step="0.01" value={flat} onChange={(e) => setFlat(e.target.value)} data-testid="ov-flat" />
          <label htmlFor="ov-bps">Fee (basis points)</label>
          <input id="ov-bps" type="number" min="0" max="10000" step="1" value={bps} onChange={(e) => setBps(e.target.value)} data-testid="ov-bps" />
          <button type="submit" className="primary" disabled={a.busy} data-testid="save-overrides">
            Save overrides
          </button>
        </form>
        <Notice notice={a.notice} />
      </RoleGate>
    </div>
  );
}
