import { z } from 'zod';
import { systemClock } from '../../contract/clock';
import { EmailSchema, OperatorRoleSchema } from '../../contract/console-api';
import { insertAudit } from './db/audit';
import type { Db } from './db/db';
import { listOperators, toOperatorView } from './db/operators';
import { migrate } from './db/migrate';
import { openPgDb } from './db/pg-adapter';
import { openPgliteDb } from './db/pglite-adapter';
import { createOperator, disableOperator, resetOperator } from './operators/accounts';

/**
 * `npm run operator -- add EMAIL --role ROLE [--totp] | list | disable EMAIL | reset EMAIL` (issue 17). Prints one JSON
 * object on stdout (add/reset include the initial `password`, shown once); exits 0, or 1 with `{"error":…}` on stderr
 * (existing email, unknown account, bad arguments). The database: DATABASE_URL, else the PGlite folder in DATA_DIR
 * (the demo's is .data/demo/cloud; stop the demo first — PGlite is one process's).
 */
const ACTOR = 'cli';

const ArgsSchema = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('add'), email: EmailSchema, role: OperatorRoleSchema, totp: z.boolean() }),
  z.object({ cmd: z.literal('list') }),
  z.object({ cmd: z.literal('disable'), email: EmailSchema }),
  z.object({ cmd: z.literal('reset'), email: EmailSchema }),
]);
type Args = z.infer<typeof ArgsSchema>;

export function parseOperatorArgs(argv: string[]): Args {
  const [cmd, email] = argv;
  const roleAt = argv.indexOf('--role');
  return ArgsSchema.parse({ cmd, email, role: roleAt >= 0 ? argv[roleAt + 1] : 'viewer', totp: argv.includes('--totp') });
}

export async function runOperatorCommand(db: Db, args: Args, now = systemClock.now()): Promise<{ out: unknown } | { error: string }> {
  switch (args.cmd) {
    case 'add': {
      const made = await db.tx(async (q) => {
        const m = await createOperator(q, { email: args.email, role: args.role, totp: args.totp, now });
        if (m) await insertAudit(q, { actor: ACTOR, action: 'operator.add', target: m.row.email, details: { role: args.role } }, now);
        return m;
      });
      if (!made) return { error: `an account with email ${args.email.toLowerCase()} exists` };
      return { out: { ...toOperatorView(made.row), password: made.password, totp_secret: made.totpSecret, totp_uri: made.totpUri } };
    }
    case 'list':
      return { out: { operators: (await listOperators(db)).map(toOperatorView) } };
    case 'disable': {
      const ok = await disableOperator(db, args.email, now);
      if (!ok) return { error: `no account with email ${args.email}` };
      await insertAudit(db, { actor: ACTOR, action: 'operator.disable', target: args.email }, now);
      return { out: { email: args.email, disabled: true } };
    }
    case 'reset': {
      const r = await resetOperator(db, args.email, now);
      if (!r) return { error: `no account with email ${args.email}` };
      await insertAudit(db, { actor: ACTOR, action: 'operator.reset', target: args.email }, now);
      return { out: { ...toOperatorView(r.row), password: r.password } };
    }
  }
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseOperatorArgs(process.argv.slice(2));
  } catch {
    process.stderr.write(`${JSON.stringify({ error: 'usage: operator add EMAIL --role viewer|operator|admin [--totp] | list | disable EMAIL | reset EMAIL' })}\n`);
    return 2;
  }
  const url = process.env.DATABASE_URL;
  const db = url ? await openPgDb(url) : await openPgliteDb(process.env.DATA_DIR ?? './.data/cloud');
  try {
    await migrate(db);
    const r = await runOperatorCommand(db, args);
    if ('error' in r) {
      process.stderr.write(`${JSON.stringify({ error: r.error })}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(r.out)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && /operator-cli\.[tj]s$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
      process.exit(1);
    },
  );
}
