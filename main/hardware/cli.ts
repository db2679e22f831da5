/**
 * Technician CLI: `npm run hopper -- --port PATH [--address 3] [--baud 9600] [--echo on|off]
 * [--data-dir DIR] <probe|status|dispense N|test|reset|stop>`. DIR is the kiosk's data folder
 * (default KIOSK_DATA_DIR, else ./.data/kiosk): dispense journals there, and every command refuses
 * while the kiosk core holds it (cli-commands.ts).
 * Prints exactly one JSON object on stdout (logs go to stderr); exit 0 only on success.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../contract/clock';
import { createLogger } from '../log';
import { CliArgsSchema, type CliOutput, describeError, runCliCommand } from './cli-commands';

const OPTIONS = {
  port: { type: 'string' },
  address: { type: 'string' },
  baud: { type: 'string' },
  echo: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [name, coins] = positionals;
  const { 'data-dir': dataDir, ...rest } = values;
  return CliArgsSchema.parse({ ...rest, dataDir, command: { name, coins } });
}

function commandName(argv: string[]): string {
  return parseArgs({ args: argv, allowPositionals: true, strict: false, options: OPTIONS }).positionals[0] ?? 'none';
}

async function main(): Promise<number> {
  const log = createLogger('hopper-cli', process.env.LOG_LEVEL ?? 'info');
  let out: CliOutput;
  try {
    const args = parse(process.argv.slice(2));
    out = await runCliCommand(args, { log, clock: systemClock });
  } catch (e) {
    out = { ok: false, command: commandName(process.argv.slice(2)), error: describeError(e) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  return out.ok ? 0 : out.error && (out.error as { code: string }).code === 'usage' ? 2 : 1;
}

main().then((code) => process.exit(code));
