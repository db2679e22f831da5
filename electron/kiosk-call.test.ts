import { describe, expect, it } from 'vitest';
import { KIOSK_COMMAND_NAMES, type KioskApi, type KioskCommandName } from '../contract/kiosk-api';
import { checkKioskCall, dispatchKioskCall } from './kiosk-call';

/** A core stand-in that records calls; the real core is exercised by main/ tests and e2e. */
function recordingApi(calls: string[], throwOn?: string): KioskApi {
  const answer = (name: string, value: unknown) => async (params: unknown) => {
    calls.push(`${name}:${JSON.stringify(params)}`);
    if (name === throwOn) throw new Error('boom with a secret stack');
    return { ok: true as const, value };
  };
  return {
    getState: answer('getState', {}),
    startCashOut: answer('startCashOut', { transaction_id: 't1' }),
    cancel: answer('cancel', {}),
    dismiss: answer('dismiss', {}),
    onState: () => () => undefined,
  } as unknown as KioskApi;
}

/** One valid params object per contract command; a new command fails typecheck until it has one. */
const VALID_PARAMS: Record<KioskCommandName, object> = {
  getState: {}, startCashOut: { amount_cents: 500 }, startCollect: {}, cancel: {}, extendSession: {}, dismiss: {},
  adminUnlock: { pin: '1234' }, adminLock: {}, adminStatus: {}, adminRefill: { coins: 400 }, adminEmpty: {},
  adminTestDispense: {}, adminSettleInDoubt: {}, adminSettleByHand: { intent_id: 'i1', coins_paid: 3, pin: '2468' }, adminResetHopper: {}, adminSyncNow: {},
  adminEnroll: { code: 'ABCDEF12' }, adminChangePin: { new_pin: '5678' }, adminRestart: {}, adminSetMaintenance: { on: true },
};

describe('checkKioskCall', () => {
  it.each(KIOSK_COMMAND_NAMES)('accepts the contract command %s with valid params', (method) => {
    const params = VALID_PARAMS[method];
    expect(checkKioskCall({ method, params })).toEqual({ ok: true, value: { method, params } });
  });

  it('accepts startCashOut with a valid amount', () => {
    expect(checkKioskCall({ method: 'startCashOut', params: { amount_cents: 500 } }).ok).toBe(true);
  });

  it.each(['onState', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'startcashout', 'eval', 'a'.repeat(64)])(
    'refuses %s as unknown_method',
    (method) => {
      const r = checkKioskCall({ method, params: {} });
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    },
  );

  it.each([
    ['a float amount', { amount_cents: 5.5 }],
    ['a string amount', { amount_cents: '500' }],
    ['an extra key', { amount_cents: 500, coins: 9999 }],
    ['no amount', {}],
  ])('refuses startCashOut with %s as invalid_params', (_label, params) => {
    expect(checkKioskCall({ method: 'startCashOut', params })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it.each([null, 'getState', 42, [], { method: 'getState', params: {}, extra: 1 }, { params: {} }, { method: 'x'.repeat(65), params: {} }])(
    'refuses the malformed body %j as bad_request',
    (body) => {
      expect(checkKioskCall(body)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    },
  );
});

describe('dispatchKioskCall', () => {
  it('calls the core with the checked params and returns its result', async () => {
    const calls: string[] = [];
    const r = await dispatchKioskCall(recordingApi(calls), { method: 'startCashOut', params: { amount_cents: 1000 } }, () => undefined);
    expect(r).toEqual({ ok: true, value: { transaction_id: 't1' } });
    expect(calls).toEqual(['startCashOut:{"amount_cents":1000}']);
  });

  it('never reaches the core for an unknown method', async () => {
    const calls: string[] = [];
    const r = await dispatchKioskCall(recordingApi(calls), { method: 'onState', params: {} }, () => undefined);
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(calls).toEqual([]);
  });

  it('turns a throwing core into an internal error without leaking its message', async () => {
    const seen: string[] = [];
    const r = await dispatchKioskCall(recordingApi([], 'cancel'), { method: 'cancel', params: {} }, (_c, m) => seen.push(m));
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(seen).toEqual(['cancel']);
  });
});
