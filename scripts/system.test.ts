import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoPorts } from './demo-ports';
import { fleetCurl, startBanner } from './start-banner';
import { startSystem, type RunningSystem } from './system';

/** `npm start`'s system: its URLs survive a restart on the same data folder (README "What `npm start` shows"). */
const dataDir = mkdtempSync(join(tmpdir(), 'roluatm-system-'));
const running: RunningSystem[] = [];
afterAll(async () => {
  for (const s of running) await s.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(lines: string[]): Promise<RunningSystem> {
  const system = await startSystem({ dataDir, coinsLoaded: 10, log: (l) => lines.push(l) });
  running.push(system);
  return system;
}

async function stop(system: RunningSystem): Promise<void> {
  await system.stop();
  running.splice(running.indexOf(system), 1);
}

/** Runs the banner's curl line as fetch: the URL and bearer token it names. */
async function runFleetCurl(line: string): Promise<Response> {
  const m = /^curl -H "Authorization: Bearer (\S+)" (\S+)$/.exec(line);
  if (!m) throw new Error(`not a curl line: ${line}`);
  return fetch(m[2]!, { headers: { authorization: `Bearer ${m[1]}` } });
}

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm start system', () => {
  it('keeps its URLs and page token across restarts, and the printed fleet access works', async () => {
    const first = await start([]);
    const urls = { kiosk: first.kioskUrl, phone: first.phoneUrl, cloud: first.cloudUrl };
    expect(urls.kiosk).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32,}$/);
    const banner = startBanner({ kioskLine: urls.kiosk, phoneUrl: urls.phone, cloudUrl: urls.cloud, operatorToken: first.operatorToken, adminPin: '2468', dataDir });
    expect(banner).toContain(`Operator token:  ${first.operatorToken}`);
    const curl = fleetCurl(urls.cloud, first.operatorToken);
    expect(banner).toContain(curl);
    // The kiosk enrols just after it starts serving its screen.
    await expect.poll(async () => JSON.stringify(await (await runFleetCurl(curl)).json()), { timeout: 20_000 }).toContain('"name":"demo-kiosk"');
    expect((await fetch(urls.phone)).status).toBe(200);
    await stop(first);

    const second = await start([]);
    expect({ kiosk: second.kioskUrl, phone: second.phoneUrl, cloud: second.cloudUrl }).toEqual(urls);
    expect(second.operatorToken).toBe(first.operatorToken);
    expect((await runFleetCurl(curl)).status).toBe(200);
    await stop(second);
  }, 120_000);

  it('says so and takes another port when a saved one is taken, then keeps the new one', async () => {
    const saved = loadDemoPorts(join(dataDir, 'demo-ports.json'));
    expect(saved.phone).toBeGreaterThan(0);
    const squatter = await hold(saved.phone!);
    const lines: string[] = [];
    try {
      const third = await start(lines);
      expect(third.phoneUrl).not.toBe(`http://127.0.0.1:${saved.phone}`);
      expect(lines).toContain(`port ${saved.phone} (simulated phone page) is in use by another program; using another port, so its URL changes this time`);
      expect((await fetch(third.phoneUrl)).status).toBe(200);
      expect(third.cloudUrl).toBe(`http://127.0.0.1:${saved.cloud}`);
      await stop(third);
      expect(loadDemoPorts(join(dataDir, 'demo-ports.json')).phone).toBe(Number(new URL(third.phoneUrl).port));
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  }, 120_000);
});
