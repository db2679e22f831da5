import { z } from 'zod';

/**
 * One benchmark figure, printed as one JSON line on stdout. `baseline` is the same measurement of the
 * thing we compare against, taken in the same run on the same machine (never a remembered number).
 */
export const FigureSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/),
  value: z.number(),
  unit: z.string(),
  baseline: z.object({ name: z.string(), value: z.number() }).optional(),
  target: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type Figure = z.infer<typeof FigureSchema>;

export function emit(figure: Figure): void {
  process.stdout.write(`${JSON.stringify(FigureSchema.parse(figure))}\n`);
}

/** The p-th percentile (0..100) of samples, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
