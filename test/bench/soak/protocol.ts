import { z } from 'zod';

/**
 * IPC between the soak driver (the kiosk core's process) and test/bench/soak/services.ts (everything
 * else: cloud API, World ID simulators, hopper simulator). Parsed with zod on both sides.
 */
export const ServicesOptionsSchema = z.strictObject({
  /** Coins loaded into the simulated hopper (the kiosk's inventory is seeded with the same). */
  coins: z.number().int().positive(),
  coinsPerSecond: z.number().positive(),
  /** Postgres admin url: the cloud gets a scratch database next to it. Absent: PGlite. */
  databaseUrl: z.string().optional(),
});
export type ServicesOptions = z.infer<typeof ServicesOptionsSchema>;

export const ReadySchema = z.strictObject({
  type: z.literal('ready'),
  cloudUrl: z.string(),
  bridgeUrl: z.string(),
  hopperPath: z.string(),
  enrollmentCode: z.string(),
  backend: z.enum(['postgres', 'pglite']),
  pid: z.number().int(),
});
export type Ready = z.infer<typeof ReadySchema>;

export const RequestSchema = z.discriminatedUnion('op', [
  /** The simulated World App scans `uri` and approves as `identity`. */
  z.strictObject({ id: z.number().int(), op: z.literal('approve'), uri: z.string(), identity: z.string() }),
  z.strictObject({ id: z.number().int(), op: z.literal('totals') }),
  z.strictObject({ id: z.number().int(), op: z.literal('stop') }),
]);
export type Request = z.infer<typeof RequestSchema>;
export type RequestOp = Request['op'];

export const ReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(false), error: z.string() }),
]);

/** The other side's own counts, for the end-of-run invariants. */
export const TotalsSchema = z.strictObject({
  /** Coins that physically left the simulated hopper (its own count). */
  hopperCoinsOut: z.number().int(),
  hopperDispenseCommands: z.number().int(),
  cloudTransactions: z.number().int(),
  cloudCompleted: z.number().int(),
  cloudCoinsPaid: z.number().int(),
  cloudJobs: z.number().int(),
  cloudJobCoinsPaid: z.number().int(),
});
export type Totals = z.infer<typeof TotalsSchema>;

export const ApproveValueSchema = z.object({ answered: z.literal('proof') });
