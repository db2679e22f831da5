import { afterEach, describe, expect, it } from 'vitest';
import { SerialPortMock } from 'serialport';
import { HopperSimulator } from '../../../sim/hopper/simulator';
import { createMockHopperPort } from '../../../sim/hopper/mock-binding';
import { CcTalkError } from './errors';
import { encodeFrame, fromHex, toHex } from './frame';
import { CcTalkTransport } from './transport';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function openMock(echo = true): Promise<SerialPortMock> {
  const port = new SerialPortMock({ path: createMockHopperPort(echo), baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.on('open', resolve).on('error', reject));
  cleanups.push(() => new Promise((r) => (port.isOpen ? port.close(() => r(undefined)) : r(undefined))));
  return port;
}

async function withSim(opts: ConstructorParameters<typeof HopperSimulator>[0] = {}) {
  const port = await openMock(true);
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 500, ...opts });
  sim.attachMockPort(port.port!);
  cleanups.push(() => sim.stop());
  const transport = new CcTalkTransport(port, { replyTimeoutMs: 60, retryDelayMs: 5 });
  cleanups.push(() => transport.close());
  return { port, sim, transport };
}

const rejection = async (p: Promise<unknown>): Promise<CcTalkError> => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(CcTalkError);
  return e as CcTalkError;
};

describe('CcTalkTransport over SerialPortMock', () => {
  it('removes the echo of a simple poll and returns the ACK frame', async () => {
    const { transport } = await withSim();
    const reply = await transport.request(254);
    expect(reply).toMatchObject({ dest: 1, src: 3, header: 0 });
    expect(reply.data).toHaveLength(0);
  });

  it('sends the documented poll bytes on the wire', async () => {
    const port = await openMock(false);
    const transport = new CcTalkTransport(port, { echo: false, replyTimeoutMs: 100 });
    cleanups.push(() => transport.close());
    const pending = transport.request(254);
    await expect.poll(() => port.port?.lastWrite && toHex(port.port.lastWrite)).toBe('03 00 01 FE FE');
    port.port!.emitData(fromHex('01 00 03 00 FC'));
    await expect(pending).resolves.toMatchObject({ header: 0 });
  });

  it('fails with a line error when the echo differs from what was sent', async () => {
    const port = await openMock(false);
    const transport = new CcTalkTransport(port, { replyTimeoutMs: 100, retries: 0 });
    cleanups.push(() => transport.close());
    const pending = transport.request(254);
    await expect.poll(() => port.port?.lastWrite).toBeTruthy();
    port.port!.emitData(fromHex('03 00 01 FE FF 01 00 03 00 FC'));
    expect((await rejection(pending)).code).toBe('line');
  });

  it('answers silence with a typed timeout after retrying a read-only command three times', async () => {
    const { sim, transport } = await withSim({ faults: { silent: true } });
    let status = 0;
    const counted = sim.receive.bind(sim);
    sim.receive = (b) => {
      if (b[3] === 166) status++;
      counted(b);
    };
    const e = await rejection(transport.request(166));
    expect(e.code).toBe('timeout');
    expect(status).toBe(4);
  });

  it('never re-sends a dispense (167) whose reply is lost', async () => {
    const { sim, transport } = await withSim({ faults: { dropReplyAfterPaying: true } });
    await transport.request(164, [0xa5]);
    const e = await rejection(transport.request(167, [0x4e, 0x46, 0x05, 2]));
    expect(e.code).toBe('timeout');
    expect(sim.dispenseCommands).toBe(1);
  });

  it('retries a read whose reply had a corrupt checksum and returns the good reply', async () => {
    const { sim, transport } = await withSim({ faults: { corruptChecksum: 1 } });
    const reply = await transport.request(242);
    expect(toHex(reply.data)).toBe('4E 46 05');
    expect(sim.faults.corruptChecksum).toBe(0);
  });

  it('skips garbage and frames addressed to other devices', async () => {
    const port = await openMock(false);
    const transport = new CcTalkTransport(port, { echo: false, replyTimeoutMs: 200 });
    cleanups.push(() => transport.close());
    const pending = transport.request(166);
    await expect.poll(() => port.port?.lastWrite).toBeTruthy();
    const forOther = encodeFrame({ dest: 2, src: 3, header: 0, data: Uint8Array.of(9, 9, 9, 9) });
    const fromOther = encodeFrame({ dest: 1, src: 4, header: 0, data: Uint8Array.of(8, 8, 8, 8) });
    port.port!.emitData(Buffer.concat([fromHex('FF 13 37'), forOther, fromOther, fromHex('01 04 03 00 01 03 02 00 F2')]));
    expect(toHex((await pending).data)).toBe('01 03 02 00');
  });

  it('turns a NAK into a typed error without retrying', async () => {
    const { sim, transport } = await withSim();
    const e = await rejection(transport.request(167, [0x4e, 0x46, 0x05, 2]));
    expect(e.code).toBe('nak');
    expect(sim.dispenseCommands).toBe(0);
  });

  it('puts one command on the wire at a time when callers overlap', async () => {
    const { transport } = await withSim();
    const replies = await Promise.all([242, 245, 166, 254, 168].map((h) => transport.request(h)));
    expect(replies.map((r) => r.data.length)).toEqual([3, 6, 4, 0, 3]);
  });

  it('talks to a CRC-16 device when both ends use the CRC-16 variant', async () => {
    const port = await openMock(true);
    const sim = new HopperSimulator({ echo: false, checksum: 'crc16' });
    sim.attachMockPort(port.port!);
    cleanups.push(() => sim.stop());
    const transport = new CcTalkTransport(port, { checksum: 'crc16', replyTimeoutMs: 60, retries: 0 });
    cleanups.push(() => transport.close());
    expect(toHex((await transport.request(242)).data)).toBe('4E 46 05');
    const simple = new CcTalkTransport(port, { replyTimeoutMs: 60, retries: 0 });
    cleanups.push(() => simple.close());
    transport.close();
    expect((await rejection(simple.request(242))).code).toBe('timeout');
  });

  it('rejects queued commands with code closed when closed', async () => {
    const { transport } = await withSim({ faults: { silent: true } });
    const first = transport.request(254);
    const second = transport.request(254);
    transport.close();
    expect((await rejection(first)).code).toBe('closed');
    expect((await rejection(second)).code).toBe('closed');
  });
});
