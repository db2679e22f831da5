import type { SocketEvents, SocketFactory, SocketHandle } from '../api/ws-transport';

/** A socket the test plays the core through: it opens, pushes messages and closes on command. */
export class FakeSocket implements SocketHandle {
  readonly sent: unknown[] = [];
  closedByClient = false;
  constructor(
    readonly url: string,
    private readonly events: SocketEvents,
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closedByClient = true;
  }
  open(): void {
    this.events.onOpen();
  }
  push(message: unknown): void {
    this.events.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
  }
  drop(): void {
    this.events.onClose();
  }
}

/** A factory that records every socket it made, newest last. */
export function fakeSocketFactory(): { factory: SocketFactory; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (url, events) => {
      const socket = new FakeSocket(url, events);
      sockets.push(socket);
      return socket;
    },
    last() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}
