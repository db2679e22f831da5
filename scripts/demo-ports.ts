import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The demo's ports, kept in its data folder (`demo-ports.json`) so `npm start` prints the same URLs
 * on every start: the kiosk screen, the simulated phone and the cloud API stay bookmarkable. A port
 * that another program holds now is replaced by a free one, and the caller is told which.
 */
const PORT = z.number().int().min(1).max(65535);
const DemoPortsSchema = z.object({
  cloud: PORT.optional(),
  bridge: PORT.optional(),
  portal: PORT.optional(),
  phone: PORT.optional(),
  kiosk_ui: PORT.optional(),
});
export type DemoPorts = z.infer<typeof DemoPortsSchema>;
export type DemoService = keyof DemoPorts;

const LABELS: Record<DemoService, string> = {
  cloud: 'cloud API',
  bridge: 'World ID bridge simulator',
  portal: 'Developer Portal simulator',
  phone: 'simulated phone page',
  kiosk_ui: 'kiosk screen',
};

/** The saved ports; an unreadable file counts as none saved (the next save rewrites it). */
export function loadDemoPorts(path: string): DemoPorts {
  if (!existsSync(path)) return {};
  const parsed = DemoPortsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : {};
}

export function saveDemoPorts(path: string, ports: DemoPorts): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(ports, null, 2)}\n`);
}

/** Whether nothing listens on 127.0.0.1:port right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(false));
    probe.listen(port, host, () => probe.close(() => resolvePort(true)));
  });
}

/**
 * The port to start `service` on: the saved one when it is free; else 0 (any free port, chosen at
 * bind time), with a line saying the URL changes this time. The caller saves what it got.
 */
export async function preferredPort(saved: DemoPorts, service: DemoService, say: (line: string) => void): Promise<number> {
  const port = saved[service];
  if (port === undefined) return 0;
  if (await isPortFree(port)) return port;
  say(`port ${port} (${LABELS[service]}) is in use by another program; using another port, so its URL changes this time`);
  return 0;
}

/** The port of a `http://host:port` URL a service reports. */
export function portOf(url: string): number {
  return PORT.parse(Number(new URL(url).port));
}
