import type { Logger } from 'pino';
import { SerialPort, type SerialPortMock, type SerialPortOpenOptions } from 'serialport';
import type { AutoDetectTypes } from '@serialport/bindings-cpp';
import { CcTalkError } from './errors';
import type { ChecksumMode } from './frame';
import { CcTalkHopper } from './hopper';
import { CcTalkTransport } from './transport';

/** A serialport binding: the platform's own, or binding-mock (tests). */
export type SerialBinding = typeof SerialPort.binding | typeof SerialPortMock.binding;

export interface CcTalkPortOptions {
  path: string;
  address?: number;
  /** ccTalk runs at 9600 8N1 (part 1 §3). A pty ignores it. */
  baudRate?: number;
  echo?: boolean;
  checksum?: ChecksumMode;
  replyTimeoutMs?: number;
  /** How late a stale reply may still arrive (transport.ts `staleReplyMs`). */
  staleReplyMs?: number;
  /** Another serialport binding (binding-mock in tests); default: the platform's own. */
  binding?: SerialBinding;
  log?: Logger;
}

export interface CcTalkLink {
  port: SerialPort;
  transport: CcTalkTransport;
  hopper: CcTalkHopper;
  close(): Promise<void>;
}

/** Opens the serial device and puts a ccTalk transport and hopper command set on it. */
export async function openCcTalkPort(opts: CcTalkPortOptions): Promise<CcTalkLink> {
  const options = { path: opts.path, baudRate: opts.baudRate ?? 9600, autoOpen: false, ...(opts.binding ? { binding: opts.binding } : {}) };
  const port = new SerialPort(options as SerialPortOpenOptions<AutoDetectTypes>);
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err
        ? reject(new CcTalkError('line', `cannot open ${opts.path}: ${err.message}; check the device path, its udev rule and that no other program holds it`, { cause: err }))
        : resolve(),
    ),
  );
  port.on('error', (err) => opts.log?.error({ err, path: opts.path }, 'serial port error'));
  const transport = new CcTalkTransport(port, {
    address: opts.address ?? 3,
    echo: opts.echo ?? true,
    checksum: opts.checksum ?? 'simple',
    replyTimeoutMs: opts.replyTimeoutMs,
    staleReplyMs: opts.staleReplyMs,
    log: opts.log,
  });
  return {
    port,
    transport,
    hopper: new CcTalkHopper(transport),
    close: async () => {
      transport.close();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
