import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { runChaos } from './runner';

/**
 * `npm run chaos [-- --runs N --seed S --only a,b --reply-form ack --out report.json]`: prints ONE JSON report on stdout
 * (runs, kills, faults, violations, each invariant's count) and exits 1 on any violation.
 * Progress goes to stderr. Uses Postgres when DATABASE_URL is set (cloud kills need it), else PGlite.
 */
const ArgsSchema = z.object({
  /** A number, or 'each' (every scenario once: the reduced pass in `npm test`). */
  runs: z.union([z.literal('each'), z.coerce.number().int().min(1).max(100_000)]).default(200),
  seed: z.coerce.number().int().default(1),
  out: z.string().min(1).optional(),
  only: z.string().min(1).optional(),
  'reply-form': z.enum(['event_counter', 'ack']).optional(),
});

function parseArgs(argv: string[]): z.infer<typeof ArgsSchema> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(runs|seed|out|only|reply-form)$/.exec(argv[i] ?? '');
    if (!m || argv[i + 1] === undefined) throw new Error(`unknown or incomplete argument ${argv[i]}: use --runs N --seed S --out FILE --only name,name --reply-form event_counter|ack`);
    raw[m[1]!] = argv[++i]!;
  }
  return ArgsSchema.parse(raw);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report = await runChaos({
    runs: args.runs,
    seed: args.seed,
    ...(args.only ? { only: args.only.split(',') } : {}),
    ...(args['reply-form'] ? { replyForm: args['reply-form'] } : {}),
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const json = JSON.stringify(report);
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  }
  process.stdout.write(`${json}\n`);
  process.exit(report.violations.length === 0 ? 0 : 1);
}

// Ctrl-C or a CI timeout: exit through process.exit so the stack's exit hook kills the kiosk and cloud.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((e: unknown) => {
  process.stderr.write(`chaos run failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(2);
});
