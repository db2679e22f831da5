import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeSocketFactory } from '../test-support/fake-socket';
import { sampleState } from '../test-support/sample-state';
import { TransportError, type ConnectionStatus } from './transport';
import { WsTransport } from './ws-transport';

const URL = 'ws://127.0.0.1:4000/kiosk-api?token=t';

function setup(options: { callTimeoutMs?: number } = {}) {
  const sockets = fakeSocketFactory();
  const problems: string[] = [];
  const statuses: ConnectionStatus[] = [];
  const transport = new WsTransport({
    url: URL,
    createSocket: sockets.factory,
    backoff: { base_ms: 100, max_ms: 1_000 },
    random: () => 1,
    onProtocolError: (p) => problems.push(p),
    ...options,
  });
  transport.onStatus((s) => statuses.push(s));
  transport.start();
  return { transport, sockets, problems, statuses };
}

describe('WsTransport', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a call as a wire call message and resolves with the result that has its id', async () => {
    const { transport, sockets } = setup();
    sockets.last().open();
    const first = transport.call('startCashOut', { amount_cents: 500 });
    const second = transport.call('cancel', {});
    expect(sockets.last().sent).toEqual([
      { type: 'call', id: 1, method: 'startCashOut', params: { amount_cents: 500 } },
      { type: 'call', id: 2, method: 'cancel', params: {} },
    ]);
    sockets.last().push({ type: 'result', id: 2, result: { ok: true, value: {} } });
    sockets.last().push({ type: 'result', id: 1, result: { ok: false, error: { code: 'offline', message: 'The kiosk is offline.' } } });
    await expect(second).resolves.toEqual({ ok: true, value: {} });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'offline', message: 'The kiosk is offline.' } });
  });

  it('passes pushed states that match the contract to its listeners', () => {
    const { transport, sockets } = setup();
    const states: unknown[] = [];
    transport.onState((s) => states.push(s));
    sockets.last().open();
    sockets.last().push({ type: 'state', state: sampleState() });
    expect(states).toEqual([sampleState()]);
  });

  it('drops and reports messages that are not JSON, fail the wire schema, or answer no pending call', () => {
    const { transport, sockets, problems } = setup();
    const states: unknown[] = [];
    transport.onState((s) => states.push(s));
    sockets.last().open();
    sockets.last().push('not json {');
    sockets.last().push({ type: 'state', state: { ...sampleState(), limits: { min_cents: -1 } } });
    sockets.last().push({ type: 'hello' });
    sockets.last().push({ type: 'result', id: 99, result: { ok: true, value: {} } });
    expect(states).toEqual([]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/not JSON/);
    expect(problems[1]).toMatch(/fails the contract/);
    expect(problems[3]).toMatch(/unknown call 99/);
  });

  it('fails a call at once with kiosk_disconnected while the socket is not open', async () => {
    const { transport } = setup();
    await expect(transport.call('getState', {})).rejects.toMatchObject({ code: 'kiosk_disconnected' });
  });

  it('fails pending calls with kiosk_disconnected when the socket closes', async () => {
    const { transport, sockets } = setup();
    sockets.last().open();
    const pending = transport.call('dismiss', {});
    sockets.last().drop();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'kiosk_disconnected' });
  });

  it('fails a call with kiosk_timeout when no reply comes in time, and ignores the late reply', async () => {
    const { transport, sockets, problems } = setup({ callTimeoutMs: 500 });
    sockets.last().open();
    const pending = transport.call('getState', {}).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await pending).toMatchObject({ code: 'kiosk_timeout' });
    sockets.last().push({ type: 'result', id: 1, result: { ok: true, value: {} } });
    expect(problems).toEqual(['ignored a result for unknown call 1']);
  });

  it('reconnects after a close with growing delays, and starts again from the shortest delay after an open', async () => {
    const { sockets, statuses } = setup();
    sockets.last().drop();
    expect(sockets.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(sockets.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.sockets).toHaveLength(2);
    sockets.last().drop();
    await vi.advanceTimersByTimeAsync(199);
    expect(sockets.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.sockets).toHaveLength(3);
    sockets.last().open();
    sockets.last().drop();
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets.sockets).toHaveLength(4);
    expect(sockets.sockets.every((s) => s.url === URL)).toBe(true);
    expect(statuses).toEqual(['connecting', 'closed', 'connecting', 'closed', 'connecting', 'open', 'closed', 'connecting']);
  });

  it('ignores events from a socket it has already replaced', async () => {
    const { transport, sockets } = setup();
    const old = sockets.last();
    old.drop();
    await vi.advanceTimersByTimeAsync(100);
    old.open();
    expect(transport.status()).toBe('connecting');
    sockets.last().open();
    expect(transport.status()).toBe('open');
  });

  it('closes its socket and never reconnects after close()', async () => {
    const { transport, sockets } = setup();
    sockets.last().open();
    transport.close();
    expect(sockets.last().closedByClient).toBe(true);
    expect(transport.status()).toBe('closed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets.sockets).toHaveLength(1);
  });
});
