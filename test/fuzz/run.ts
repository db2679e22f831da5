/**
 * `npm run fuzz [-- cloud|serial|worldid|bridge] [--cases N] [--seed S] [--case N]`: the full fuzz pass
 * (issue 8 "Fuzzing"). Prints ONE JSON line per fuzzer on stdout, progress on stderr, every violation
 * with its seed, case number and input on stderr; exits 1 on any violation. FUZZ_CASES scales every
 * fuzzer's case count; the cloud fuzzer runs on Postgres when DATABASE_URL is set, else PGlite.
 */
import { fuzzBridgeReplies } from './bridge-replies';
import { fuzzCloudRoutes } from './cloud-routes';
import { describeViolation, type FuzzOptions, type FuzzReport } from './report';
import { freshSeed } from './rng';
import { fuzzSerial } from './serial';
import { fuzzWorldId } from './worldid';

const FULL_CASES = { cloud: 10_000, serial: 300, serial_pty: 30, worldid: 400, bridge: 1_000 } as const;
type Name = keyof typeof FULL_CASES;
const GROUPS: Record<string, Name[]> = { cloud: ['cloud'], serial: ['serial', 'serial_pty'], worldid: ['worldid'], bridge: ['bridge'] };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const unknown = only.filter((g) => !GROUPS[g]);
if (unknown.length > 0) {
  console.error(`unknown fuzzer ${unknown.join(', ')}; use one of ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const names: Name[] = (only.length ? only : Object.keys(GROUPS)).flatMap((g) => GROUPS[g]!);
const seed = Number(arg('seed') ?? process.env.FUZZ_SEED ?? freshSeed()) >>> 0;
const casesArg = arg('cases') ?? process.env.FUZZ_CASES;
const onlyCase = arg('case') === undefined ? undefined : Number(arg('case'));
const progress = (line: string) => process.stderr.write(`${line}\n`);
console.error(`fuzz: seed ${seed} (replay with --seed ${seed})`);

let failed = false;
for (const name of names) {
  const o: FuzzOptions = { seed, cases: casesArg ? Number(casesArg) : FULL_CASES[name], onlyCase, progress };
  const backend = process.env.DATABASE_URL ? 'pg' : 'pglite';
  const report: FuzzReport =
    name === 'cloud' ? await fuzzCloudRoutes({ ...o, backend })
      : name === 'serial' ? await fuzzSerial({ ...o, line: 'mock' })
        : name === 'serial_pty' ? await fuzzSerial({ ...o, line: 'pty' })
          : name === 'bridge' ? await fuzzBridgeReplies({ ...o, backend })
            : await fuzzWorldId({ ...o, backend });
  for (const v of report.violations) console.error(describeViolation(report.fuzzer, seed, v));
  console.log(JSON.stringify(report));
  if (report.violations.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
