/**
 * `npm run sim -- worldid [--write-env PATH]` and `npm run sim -- all [--coins N] …`:
 * the World ID simulators (bridge, Developer Portal, phone page), with `all` also a simulated hopper
 * on a pty. Prints the env lines for `npm run cloud` and `npm run kiosk` on stdout (and into
 * --write-env, keeping the cloud secrets an earlier file there holds), then `# ready`, and runs
 * until SIGINT/SIGTERM.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLogger } from '../../main/log';
import { exitOnSignal } from '../exit-on-signal';
import { type HopperOnPty, startHopperOnPty } from '../hopper/pty';
import { secretsFromEnvFile, simulatorEnvLines, startWorldIdSimulators, type WorldIdSimulators } from './simulators';

const log = createLogger('worldid-sim');
const { values } = parseArgs({
  options: {
    hopper: { type: 'boolean' },
    coins: { type: 'string' },
    'coins-per-second': { type: 'string' },
    'write-env': { type: 'string' },
  },
});
const args = z
  .object({
    hopper: z.boolean().optional(),
    coins: z.coerce.number().int().min(0).default(400),
    'coins-per-second': z.coerce.number().int().min(1).max(1000).optional(),
    'write-env': z.string().min(1).optional(),
  })
  .parse(values);

let sims: WorldIdSimulators | null = null;
let hopper: HopperOnPty | null = null;
const shutdown = exitOnSignal(log, 'the simulators', () => Promise.all([sims?.close(), hopper?.stop()]));

sims = await startWorldIdSimulators();
if (args.hopper) hopper = await startHopperOnPty({ coins: args.coins, coinsPerSecond: args['coins-per-second'] });
const envFile = args['write-env'];
// An earlier file's secrets are kept: a kiosk enrolled with that cloud keeps trusting its job key.
const kept = envFile && existsSync(envFile) ? secretsFromEnvFile(readFileSync(envFile, 'utf8')) : {};
const lines = simulatorEnvLines({ ...sims, ...(hopper ? { hopperDevice: hopper.devicePath, coins: args.coins } : {}) }, kept);
if (envFile) {
  mkdirSync(dirname(envFile), { recursive: true });
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
}
process.stdout.write(`${lines.join('\n')}\n# ready\n`);
shutdown.started();
