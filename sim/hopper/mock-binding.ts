import { SerialPortMock } from 'serialport';
import type { HopperSimulator } from './simulator';

/**
 * The binding-mock binding (the same copy `SerialPortMock` uses) with a simulator wired in: every port
 * opened through it is attached to `sim`. Create the port first with
 * `SerialPortMock.binding.createPort(path, { echo: true })` and give the simulator `echo: false`
 * (binding-mock already echoes).
 */
export function simulatedMockBinding(sim: HopperSimulator): typeof SerialPortMock.binding {
  const mock = SerialPortMock.binding;
  return {
    ...mock,
    async open(options: Parameters<typeof mock.open>[0]) {
      const port = await mock.open(options);
      sim.attachMockPort(port);
      return port;
    },
  };
}

let counter = 0;
/** A fresh binding-mock path with echo on, like a UART on ccTalk's shared data wire. */
export function createMockHopperPort(echo = true): string {
  const path = `/dev/ROLUMOCK${++counter}-${process.pid}`;
  SerialPortMock.binding.createPort(path, { echo });
  return path;
}
