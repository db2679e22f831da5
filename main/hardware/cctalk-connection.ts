import type { Logger } from 'pino';
import { backoffCeilingMs } from '../../contract/backoff';
import { type CcTalkLink, type CcTalkPortOptions, openCcTalkPort } from './cctalk/open-port';

export interface ReconnectOptions {
  /** First wait after a lost or failed port; doubles per failure (default 250 ms). */
  initialMs?: number;
  /** Longest wait between attempts (default 5 s). */
  maxMs?: number;
}

export type ConnectionEvent = 'connected' | 'disconnected';

const GONE_CODES = new Set(['EIO', 'ENXIO', 'ENODEV', 'EBADF']);
function isGone(err: unknown): boolean {
  const e = err as { code?: unknown; disconnected?: unknown } | null;
  return e?.disconnected === true || (typeof e?.code === 'string' && GONE_CODES.has(e.code));
}

/**
 * The serial port a dispenser talks through, kept open: when the device goes away (USB unplugged:
 * the port closes with `disconnected`, reads and writes fail with EIO) the link is dropped, every
 * command fails fast with code 'disconnected', and the port path (a udev symlink in production) is
 * opened again with exponential backoff until it answers. `onChange` hears both transitions.
 */
export class CcTalkConnection {
  private current: CcTalkLink | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reopen attempts since the port was last open: the wait doubles (contract/backoff.ts). */
  private failures = 0;
  private stopped = true;

  constructor(
    private readonly o: CcTalkPortOptions & { log: Logger; reconnect?: ReconnectOptions },
    private readonly onChange: (e: ConnectionEvent) => void,
  ) {}

  get link(): CcTalkLink | null {
    return this.current;
  }

  /** Opens the port now; on failure keeps retrying in the background and rethrows the first error. */
  async open(): Promise<void> {
    this.stopped = false;
    if (this.current) return;
    try {
      this.adopt(await openCcTalkPort(this.o));
    } catch (e) {
      this.schedule();
      throw e;
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const link = this.current;
    this.current = null;
    await link?.close();
  }

  private adopt(link: CcTalkLink): void {
    this.current = link;
    this.failures = 0;
    // Any close we did not ask for means the device went away: serialport closes with a
    // DisconnectedError on a read error, and a failed write (EIO) destroys the stream (close, no argument).
    link.port.on('close', (err: unknown) => this.lost(link, err ?? new Error('serial port closed')));
    link.port.on('error', (err: unknown) => {
      if (isGone(err)) this.lost(link, err);
    });
  }

  private lost(link: CcTalkLink, err: unknown): void {
    if (this.current !== link) return;
    this.o.log.error({ err, path: this.o.path }, 'hopper serial port lost; reconnecting');
    link.transport.disconnect(err instanceof Error ? err.message : 'port closed');
    this.current = null;
    void link.close().catch(() => undefined);
    this.onChange('disconnected');
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const wait = this.nextWaitMs();
    this.failures += 1;
    this.timer = setTimeout(() => void this.attempt(), wait);
    this.timer.unref();
  }

  private nextWaitMs(): number {
    return backoffCeilingMs(this.failures, { baseMs: this.o.reconnect?.initialMs ?? 250, capMs: this.o.reconnect?.maxMs ?? 5000 });
  }

  private async attempt(): Promise<void> {
    this.timer = null;
    if (this.stopped || this.current) return;
    try {
      const link = await openCcTalkPort(this.o);
      if (this.stopped) return void (await link.close());
      this.adopt(link);
      this.o.log.info({ path: this.o.path }, 'hopper serial port open again');
      this.onChange('connected');
    } catch (e) {
      this.o.log.debug({ err: e, path: this.o.path, retryInMs: this.nextWaitMs() }, 'hopper serial port still unavailable');
      this.schedule();
    }
  }
}
