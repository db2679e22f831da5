import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startSystem } from './system';

/**
 * `npm start`: the whole system on this machine with demo settings. Builds the renderer if needed,
 * starts everything and prints the URLs. Ctrl+C stops it all.
 */
const dataDir = resolve(process.env.ROLUATM_DATA_DIR ?? '.data/demo');

if (!existsSync('dist-renderer/index.html')) {
  console.log('Building the kiosk screens (first start only)…');
  const built = spawnSync(resolve('node_modules/.bin/vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

console.log(`Starting RoluATM (data in ${dataDir})…`);
const system = await startSystem({ dataDir, databaseUrl: process.env.DATABASE_URL, log: (l) => console.log(`  ${l}`) });
console.log(`
RoluATM is running.
  Kiosk screen:    ${system.kioskUrl}
  Simulated phone: ${system.phoneUrl}   (or click the QR code on the kiosk screen)
  Cloud API:       ${system.cloudUrl}
Open the kiosk screen, pick an amount, press "Cash out", then approve on the simulated phone.
Press Ctrl+C to stop.`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await system.stop();
    process.exit(0);
  });
}
