import { describe, expect, it } from 'vitest';
import type { KioskBridge, KioskCommandName } from '../../contract/kiosk-api';
import { sampleState } from '../test-support/sample-state';
import { BridgeTransport, isKioskBridge } from './bridge-transport';
import { createKioskClient } from './kiosk-client';

/** A stand-in for the Electron preload (no Electron here); it plays the core's side of the bridge. */
function fakeBridge(reply: (method: KioskCommandName, params: unknown) => unknown) {
  const listeners = new Set<(s: unknown) => void>();
  let current: unknown = sampleState();
  const bridge: KioskBridge = {
    call: async (method, params) => reply(method, params),
    onState(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
  };
  const push = (state: unknown) => {
    current = state;
    for (const l of listeners) l(state);
  };
  return { bridge, push, listenerCount: () => listeners.size };
}

describe('BridgeTransport', () => {
  it('recognises only objects with call and onState functions as a bridge', () => {
    expect(isKioskBridge(fakeBridge(() => null).bridge)).toBe(true);
    for (const hostile of [undefined, null, 'bridge', {}, { call: 1, onState: () => 0 }, { call: () => 0 }]) {
      expect(isKioskBridge(hostile)).toBe(false);
    }
  });

  it('shows the state the bridge gives at once, without waiting for getState', () => {
    const { bridge } = fakeBridge(() => ({ ok: true, value: sampleState({ version: 'from-getState' }) }));
    const client = createKioskClient(new BridgeTransport(bridge));
    expect(client.getSnapshot()).toEqual({ status: 'open', state: sampleState() });
  });

  it('returns the Result whether the preload replies with it bare or wrapped in a wire result message', async () => {
    const replies = [
      { ok: true, value: { transaction_id: 'tx-1' } },
      { type: 'result', id: 7, result: { ok: true, value: { transaction_id: 'tx-2' } } },
    ];
    const { bridge } = fakeBridge(() => replies.shift());
    const client = createKioskClient(new BridgeTransport(bridge));
    expect(await client.api.startCashOut({ amount_cents: 500 })).toEqual({ ok: true, value: { transaction_id: 'tx-1' } });
    expect(await client.api.startCashOut({ amount_cents: 500 })).toEqual({ ok: true, value: { transaction_id: 'tx-2' } });
  });

  it('turns a rejected IPC call into a kiosk_disconnected Result', async () => {
    const { bridge } = fakeBridge(() => {
      throw new Error('ipc gone');
    });
    const client = createKioskClient(new BridgeTransport(bridge));
    expect(await client.api.cancel({})).toMatchObject({ ok: false, error: { code: 'kiosk_disconnected' } });
  });

  it('drops a pushed state that fails the contract and keeps the last good one', () => {
    const { bridge, push } = fakeBridge(() => null);
    const problems: string[] = [];
    const client = createKioskClient(new BridgeTransport(bridge), { onProtocolError: (p) => problems.push(p) });
    push({ ...sampleState(), flow: { screen: 'dispensing' } });
    expect(client.getSnapshot().state).toEqual(sampleState());
    expect(problems).toHaveLength(1);
  });

  it('unsubscribes from the bridge on close', () => {
    const fake = fakeBridge(() => null);
    const client = createKioskClient(new BridgeTransport(fake.bridge));
    expect(fake.listenerCount()).toBe(1);
    client.close();
    expect(fake.listenerCount()).toBe(0);
  });
});
