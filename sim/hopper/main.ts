/**
 * `npm run sim -- hopper [--coins N] [--coins-per-second N] [--address N] [--serial N]
 * [--dispense-form serial|cipher8] [--reply-form event_counter|ack] [--checksum simple|crc16|crc16_msb_first]`
 * (or `npx tsx sim/hopper/main.ts …`): a simulated ccTalk hopper on a pty. Prints one JSON line
 * `{"device":"/tmp/.../A"}` on stdout and runs until SIGINT/SIGTERM. Defaults: a SUZOHAPP Flow-like
 * hopper (serial-number form, event-counter reply, 8-bit checksum) at address 3.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLogger } from '../../main/log';
import { exitOnSignal } from '../exit-on-signal';
import { type HopperOnPty, startHopperOnPty } from './pty';
import { CHECKSUM_MODES } from '../../main/hardware/cctalk/frame';

const log = createLogger('hopper-sim');
const { values } = parseArgs({
  options: {
    coins: { type: 'string' },
    'coins-per-second': { type: 'string' },
    address: { type: 'string' },
    serial: { type: 'string' },
    'dispense-form': { type: 'string' },
    'reply-form': { type: 'string' },
    checksum: { type: 'string' },
  },
});
const Args = z.object({
  coins: z.coerce.number().int().min(0).optional(),
  'coins-per-second': z.coerce.number().int().min(1).max(1000).optional(),
  address: z.coerce.number().int().min(2).max(255).optional(),
  serial: z.coerce.number().int().min(0).max(0xffffff).optional(),
  'dispense-form': z.enum(['serial', 'cipher8']).optional(),
  'reply-form': z.enum(['event_counter', 'ack']).optional(),
  checksum: z.enum(CHECKSUM_MODES).optional(),
});
const args = Args.parse(values);

let hopper: HopperOnPty | null = null;
// Handlers first: a signal that arrives while socat is starting still stops it cleanly.
const shutdown = exitOnSignal(log, 'simulated hopper', async () => hopper?.stop(), () => ({ coinsOut: hopper?.sim.coinsOut ?? 0 }));

hopper = await startHopperOnPty({
  inventory: args.coins,
  coinsPerSecond: args['coins-per-second'],
  address: args.address,
  serial: args.serial,
  dispenseForm: args['dispense-form'],
  replyForm: args['reply-form'],
  checksum: args.checksum,
});
process.stdout.write(JSON.stringify({ device: hopper.devicePath }) + '\n');
log.info({ device: hopper.devicePath }, 'simulated hopper ready');
shutdown.started();
