import { describe, expect, it } from 'vitest';
import { createKioskBridge, type IpcRendererPort } from './bridge';

type Listener = (event: unknown, payload: unknown) => void;

/** An in-memory ipcRenderer: records invokes and lets the test emit pushes from "main". */
function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>();
  const invoked: [string, unknown][] = [];
  const port: IpcRendererPort = {
    invoke: async (channel, body) => {
      invoked.push([channel, body]);
      return { ok: true, value: {} };
    },
    on: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer-would-leak-here' }, payload);
  };
  return { port, invoked, emit, listeners };
}

describe('kiosk bridge exposed by the preload', () => {
  it('exposes exactly call and onState, frozen', () => {
    const bridge = createKioskBridge(fakeIpc().port);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onState']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends a call as {method, params} on kiosk:call and returns the reply', async () => {
    const ipc = fakeIpc();
    const reply = await createKioskBridge(ipc.port).call('startCashOut', { amount_cents: 500 });
    expect(ipc.invoked).toEqual([['kiosk:call', { method: 'startCashOut', params: { amount_cents: 500 } }]]);
    expect(reply).toEqual({ ok: true, value: {} });
  });

  it('hands the state listener the payload only, never the IPC event', () => {
    const ipc = fakeIpc();
    const seen: unknown[][] = [];
    createKioskBridge(ipc.port).onState((...args: unknown[]) => seen.push(args));
    ipc.emit('kiosk:state', { flow: { screen: 'idle' } });
    expect(seen).toEqual([[{ flow: { screen: 'idle' } }]]);
  });

  it('stops delivering state after unsubscribe', () => {
    const ipc = fakeIpc();
    const seen: unknown[] = [];
    const off = createKioskBridge(ipc.port).onState((s) => seen.push(s));
    ipc.emit('kiosk:state', 1);
    off();
    ipc.emit('kiosk:state', 2);
    expect(seen).toEqual([1]);
    expect(ipc.listeners.get('kiosk:state')?.size).toBe(0);
  });
});
