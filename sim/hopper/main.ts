/**
 * `npx tsx sim/hopper/main.ts [--coins N] [--coins-per-second N] [--address N]`: a simulated ccTalk
 * hopper on a pty. Prints one JSON line `{"device":"/tmp/.../A"}` on stdout and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLogger } from '../../main/log';
import { type HopperOnPty, startHopperOnPty } from './pty';

const log = createLogger('hopper-sim');
const { values } = parseArgs({
  options: {
    coins: { type: 'string' },
    'coins-per-second': { type: 'string' },
    address: { type: 'string' },
  },
});
const Args = z.object({
  coins: z.coerce.number().int().min(0).optional(),
  'coins-per-second': z.coerce.number().int().min(1).max(1000).optional(),
  address: z.coerce.number().int().min(2).max(255).optional(),
});
const args = Args.parse(values);

let hopper: HopperOnPty | null = null;
let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal, coinsOut: hopper?.sim.coinsOut ?? 0 }, 'stopping simulated hopper');
  if (!hopper) return; // still starting: stopped right after start below
  hopper.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'stop failed');
      process.exit(1);
    },
  );
};
// Handlers first: a signal that arrives while socat is starting still stops it cleanly.
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

hopper = await startHopperOnPty({ inventory: args.coins, coinsPerSecond: args['coins-per-second'], address: args.address });
if (stopping) {
  await hopper.stop();
  process.exit(0);
} else {
  process.stdout.write(JSON.stringify({ device: hopper.devicePath }) + '\n');
  log.info({ device: hopper.devicePath }, 'simulated hopper ready');
}
