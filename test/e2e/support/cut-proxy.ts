import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the cloud that a test can cut and restore on the same port: the kiosk sees
 * the network go away and come back (PRODUCT.md "Offline-first") without the cloud stopping.
 */
export interface CutProxy {
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startCutProxy(): Promise<CutProxy & { target(url: string): void }> {
  let target: URL | null = null;
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        if (!target) return client.destroy();
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    target: (url) => (target = new URL(url)),
    cut,
    restore: listen,
    close: cut,
  };
}
