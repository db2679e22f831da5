import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { AuditResponseSchema, FleetKioskListResponseSchema, KioskConfigResponseSchema, KioskDetailResponseSchema } from '../../../contract/console-api';
import { SyncResponseSchema } from '../../../contract/http';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

/** Issue 17: remote control — desired config with a version, delivered in sync, applied version reported, pricing by what is applied. */
describe.each(BACKENDS)('remote control (%s)', (backend) => {
  let h: Harness;
  let k: { kioskId: string; token: string };
  let seq = 0;
  const op = (method: string, path: string, body?: unknown) => h.req(method, path, { token: OPERATOR_TOKEN, body });
  const sync = async (events: Array<{ type: string; payload: unknown }>) => {
    const res = await h.req('POST', '/v1/sync', {
      token: k.token,
      body: { events: events.map((e) => ({ seq: ++seq, id: newId(), occurred_at: h.clock.now().toISOString(), ...e })) },
    });
    expect(res.status).toBe(200);
    return SyncResponseSchema.parse(await res.json());
  };

  beforeAll(async () => {
    h = await createHarness(backend, { MAX_AMOUNT_CENTS: '5000' });
    k = await h.enrollKiosk('remote');
  });
  afterAll(() => h.dispose());

  it('takes a kiosk out of service through sync and shows desired vs applied', async () => {
    expect((await sync([{ type: 'kiosk.heartbeat', payload: { coins_available: 400, hopper_ok: true, outbox_depth: 0, version: '1' } }])).remote_config).toBeUndefined();
    const res = await op('POST', `/v1/fleet/kiosks/${k.kioskId}/service`, { in_service: false, reason: 'cleaning the tray' });
    expect(res.status).toBe(200);
    expect(KioskConfigResponseSchema.parse(await res.json()).config).toMatchObject({ desired_version: 1, applied_version: null });
    const answer = await sync([{ type: 'kiosk.heartbeat', payload: { coins_available: 400, hopper_ok: true, outbox_depth: 0, version: '1' } }]);
    expect(answer.remote_config).toEqual({ version: 1, in_service: false, reason: 'cleaning the tray', overrides: {} });
    let detail = KioskDetailResponseSchema.parse(await (await op('GET', `/v1/fleet/kiosks/${k.kioskId}`)).json());
    expect(detail.config).toMatchObject({ desired_version: 1, applied_version: null });
    await sync([{ type: 'config.applied', payload: { version: 1, in_service: false, overrides: {} } }]);
    detail = KioskDetailResponseSchema.parse(await (await op('GET', `/v1/fleet/kiosks/${k.kioskId}`)).json());
    expect(detail.config).toMatchObject({ desired_version: 1, applied_version: 1 });
    expect(detail.kiosk).toMatchObject({ health: 'out_of_service', out_of_service_reason: 'cleaning the tray', applied_config_version: 1 });
    const list = FleetKioskListResponseSchema.parse(await (await op('GET', '/v1/fleet/kiosks')).json());
    expect(list.items.find((x) => x.id === k.kioskId)?.health).toBe('out_of_service');
    expect((await op('POST', `/v1/fleet/kiosks/${newId()}/service`, { in_service: true })).status).toBe(404);
  });

  it('prices a kiosk with the overrides it reported applying, not a version still waiting', async () => {
    const big = { amount_cents: 8000 };
    const put = await op('PUT', `/v1/fleet/kiosks/${k.kioskId}/overrides`, { limits: { min_cents: 100, max_cents: 10000 }, fee: { flat_cents: 100, bps: 0 } });
    expect(KioskConfigResponseSchema.parse(await put.json()).config.desired_version).toBe(2);
    expect((await op('PUT', `/v1/fleet/kiosks/${k.kioskId}/overrides`, { limits: { min_cents: 150, max_cents: 100 } })).status).toBe(400);
    expect((await h.req('POST', '/v1/transactions', { token: k.token, body: { id: newId(), ...big } })).status).toBe(422);
    const answer = await sync([{ type: 'kiosk.heartbeat', payload: { coins_available: 400, hopper_ok: true, outbox_depth: 0, version: '1' } }]);
    expect(answer.remote_config?.version).toBe(2);
    await sync([{ type: 'config.applied', payload: { version: 2, in_service: false, overrides: answer.remote_config?.overrides ?? {} } }]);
    const created = await h.req('POST', '/v1/transactions', { token: k.token, body: { id: newId(), ...big } });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { transaction: { fee_cents: number } }).transaction.fee_cents).toBe(100);
    const audit = AuditResponseSchema.parse(await (await op('GET', '/v1/fleet/audit')).json());
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['kiosk.out_of_service', 'kiosk.overrides']));
  });
});
