import { performance } from 'node:perf_hooks';
import { SerialPort, SerialPortMock } from 'serialport';
import { CcTalkTransport } from '../../main/hardware/cctalk/transport';
import { createMockHopperPort } from '../../sim/hopper/mock-binding';
import { startHopperOnPty } from '../../sim/hopper/pty';
import { HopperSimulator } from '../../sim/hopper/simulator';
import { emit, percentile, round } from './figure';

/**
 * cctalk_roundtrip_p50_ms / _p99_ms: one ccTalk simple poll (254) — write, echo removed, ACK parsed —
 * through the real `serialport` on a socat pty against the simulator (answering at once, replyDelayMs 0).
 * Baseline: the same poll on SerialPortMock in-process (no kernel tty, no socat). A real hopper at
 * 9600 baud adds about 10 bytes × 1.04 ms of wire time plus its own answer time.
 */
const N = 600;
const WARMUP = 30;

async function polls(transport: CcTalkTransport): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + N; i++) {
    const t0 = performance.now();
    await transport.request(254);
    if (i >= WARMUP) samples.push(performance.now() - t0);
  }
  return samples;
}

async function onPty(): Promise<number[]> {
  const hopper = await startHopperOnPty({ replyDelayMs: 0 });
  const port = new SerialPort({ path: hopper.devicePath, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const transport = new CcTalkTransport(port, { replyTimeoutMs: 250 });
  try {
    return await polls(transport);
  } finally {
    transport.close();
    await new Promise<void>((resolve) => port.close(() => resolve()));
    await hopper.stop();
  }
}

async function onMock(): Promise<number[]> {
  const sim = new HopperSimulator({ echo: false, replyDelayMs: 0 });
  const port = new SerialPortMock({ path: createMockHopperPort(true), baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.on('open', resolve).on('error', reject));
  sim.attachMockPort(port.port!);
  const transport = new CcTalkTransport(port, { replyTimeoutMs: 250 });
  try {
    return await polls(transport);
  } finally {
    transport.close();
    sim.stop();
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

const mock = await onMock();
const pty = await onPty();
const detail = { polls: N, pty_p50_ms: round(percentile(pty, 50)), pty_p99_ms: round(percentile(pty, 99)), pty_max_ms: round(Math.max(...pty)) };
emit({
  name: 'cctalk_roundtrip_p50_ms',
  value: round(percentile(pty, 50)),
  unit: 'ms',
  baseline: { name: 'cctalk_roundtrip_p50_ms_serialport_mock', value: round(percentile(mock, 50)) },
  detail,
});
emit({
  name: 'cctalk_roundtrip_p99_ms',
  value: round(percentile(pty, 99)),
  unit: 'ms',
  baseline: { name: 'cctalk_roundtrip_p99_ms_serialport_mock', value: round(percentile(mock, 99)) },
  detail,
});
