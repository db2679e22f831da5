import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KioskState } from '../../contract/kiosk-api';
import { fakeSocketFactory, type FakeSocket } from '../test-support/fake-socket';
import { sampleState } from '../test-support/sample-state';
import { createKioskClient } from './kiosk-client';
import { WsTransport } from './ws-transport';

function setup() {
  const sockets = fakeSocketFactory();
  const problems: string[] = [];
  const transport = new WsTransport({ url: 'ws://h/kiosk-api?token=t', createSocket: sockets.factory, random: () => 0 });
  const client = createKioskClient(transport, { onProtocolError: (p) => problems.push(p) });
  transport.start();
  return { client, sockets, problems };
}

/** Answers the client's getState call on `socket` (the first call after each open). */
function answerGetState(socket: FakeSocket, state: KioskState) {
  const call = socket.sent.at(-1) as { id: number; method: string };
  expect(call.method).toBe('getState');
  socket.push({ type: 'result', id: call.id, result: { ok: true, value: state } });
}

describe('createKioskClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a pushed state and keeps it when the getState reply arrives later', async () => {
    const { client, sockets } = setup();
    sockets.last().open();
    const pushed = sampleState({ version: 'pushed' });
    sockets.last().push({ type: 'state', state: pushed });
    answerGetState(sockets.last(), sampleState({ version: 'older' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(client.getSnapshot()).toEqual({ status: 'open', state: pushed });
  });

  it('asks getState on open and shows its answer when the core pushes nothing', async () => {
    const { client, sockets } = setup();
    sockets.last().open();
    expect(client.getSnapshot()).toEqual({ status: 'open', state: null });
    answerGetState(sockets.last(), sampleState());
    await vi.advanceTimersByTimeAsync(0);
    expect(client.getSnapshot().state).toEqual(sampleState());
  });

  it('forgets the state when the connection drops, so a stale screen is never shown', async () => {
    const { client, sockets } = setup();
    sockets.last().open();
    sockets.last().push({ type: 'state', state: sampleState() });
    sockets.last().drop();
    expect(client.getSnapshot()).toEqual({ status: 'closed', state: null });
  });

  it('refuses bad params without sending anything', async () => {
    const { client, sockets } = setup();
    sockets.last().open();
    const sentBefore = sockets.last().sent.length;
    const reply = await client.api.startCashOut({ amount_cents: 150 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_params' } });
    expect(sockets.last().sent).toHaveLength(sentBefore);
  });

  it('turns a reply whose value fails the command schema into a kiosk_bad_reply error', async () => {
    const { client, sockets, problems } = setup();
    sockets.last().open();
    const pending = client.api.startCashOut({ amount_cents: 500 });
    const call = sockets.last().sent.at(-1) as { id: number };
    sockets.last().push({ type: 'result', id: call.id, result: { ok: true, value: { transaction: 'x' } } });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'kiosk_bad_reply' } });
    expect(problems.some((p) => p.startsWith('reply to startCashOut'))).toBe(true);
  });

  it('resolves transport failures as Results with the transport code instead of throwing', async () => {
    const { client } = setup();
    const reply = await client.api.dismiss({});
    expect(reply).toMatchObject({ ok: false, error: { code: 'kiosk_disconnected' } });
  });

  it('gives onState listeners the current state at once and then each new one', () => {
    const { client, sockets } = setup();
    sockets.last().open();
    sockets.last().push({ type: 'state', state: sampleState({ version: 'a' }) });
    const seen: string[] = [];
    client.api.onState((s) => seen.push(s.version));
    sockets.last().push({ type: 'state', state: sampleState({ version: 'b' }) });
    expect(seen).toEqual(['a', 'b']);
  });

  it('notifies subscribers on every snapshot change and stops after unsubscribe', () => {
    const { client, sockets } = setup();
    let calls = 0;
    const off = client.subscribe(() => calls++);
    sockets.last().open();
    const afterOpen = calls;
    expect(afterOpen).toBeGreaterThan(0);
    off();
    sockets.last().push({ type: 'state', state: sampleState() });
    expect(calls).toBe(afterOpen);
  });
});
