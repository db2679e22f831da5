import { existsSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { chooseStartMode } from '../electron/start-mode';
import { startBanner } from './start-banner';
import { DEMO_ADMIN_PIN, startSystem } from './system';

/**
 * `npm start`: the whole system on this machine with demo settings. Builds the renderer if needed,
 * starts everything and prints the URLs. Ctrl+C stops it all. With the Electron binary installed
 * (electron/start-mode.ts) the kiosk screen is the real Electron shell on the same system: the
 * browser-mode kiosk core is stopped and Electron boots the core on the same data and env.
 */
const dataDir = resolve(process.env.ROLUATM_DATA_DIR ?? '.data/demo');
const mode = chooseStartMode({ binaryExists: (p) => existsSync(resolve(p)), env: process.env, uid: process.getuid?.() ?? null });

function buildStep(what: string, cmd: string, args: string[]): void {
  console.log(what);
  const built = spawnSync(resolve(cmd), args, { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

if (!existsSync('dist-renderer/index.html')) {
  buildStep('Building the kiosk screens (first start only)…', 'node_modules/.bin/vite', ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}
if (!existsSync('cloud-api/dist-console/index.html')) {
  buildStep('Building the operator console (first start only)…', 'node_modules/.bin/vite', ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn']);
}
if (mode.mode === 'electron') buildStep('Bundling the Electron shell…', 'node_modules/.bin/tsx', ['electron/build.ts']);

console.log(`Starting RoluATM (data in ${dataDir})…`);
const paymentMode = process.env.PAYMENT_MODE === 'world_app' ? 'world_app' : 'none';
const system = await startSystem({ dataDir, databaseUrl: process.env.DATABASE_URL, paymentMode, log: (l) => console.log(`  ${l}`) });
let shell: ChildProcess | null = null;
if (mode.mode === 'electron') {
  await system.stopKiosk();
  shell = spawn(resolve(mode.binary), mode.args, { env: { ...process.env, ...system.kioskEnv }, stdio: ['ignore', 'inherit', 'inherit'] });
  shell.once('exit', (code) => console.log(`The Electron kiosk window closed (code ${code}). Press Ctrl+C to stop the rest.`));
}
const kioskLine = mode.mode === 'electron' ? 'the Electron window (kiosk mode; Alt+F4 is refused, Ctrl+C here quits)' : system.kioskUrl;
console.log(
  startBanner({ kioskLine, phoneUrl: system.phoneUrl, cloudUrl: system.cloudUrl, operatorToken: system.operatorToken, adminPin: DEMO_ADMIN_PIN, dataDir,
    consoleUrl: system.consoleUrl, consoleOperator: system.consoleOperator }),
);
if (mode.mode === 'browser' && mode.reason === 'no_electron_binary') console.log('(Electron is not installed here, so the kiosk screen is in the browser.)');

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    if (shell) await stopChild(shell);
    await system.stop();
    process.exit(0);
  });
}
