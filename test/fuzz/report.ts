/** What every fuzzer returns and `npm run fuzz` prints as one JSON line (issue 8 "Fuzzing"). */
export interface Violation {
  /** Case number within the run; replay it with `--seed <seed> --case <case>`. */
  case: number;
  invariant: string;
  detail: string;
  /** The generated input, printable (truncated when huge). */
  input: unknown;
}

export interface FuzzReport {
  fuzzer: string;
  seed: number;
  cases: number;
  violations: Violation[];
  duration_ms: number;
  [figure: string]: unknown;
}

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Replay only this case number (its input is derived from seed and number alone). */
  onlyCase?: number;
  /** Progress lines (stderr in full mode; silent in vitest). */
  progress?: (line: string) => void;
}

/** Truncates long strings inside an input so a violation stays readable. */
export function printable(input: unknown, max = 400): unknown {
  if (typeof input === 'string') return input.length > max ? `${input.slice(0, max)}…(${input.length} chars)` : input;
  if (Buffer.isBuffer(input)) return printable(input.toString('hex'), max);
  if (Array.isArray(input)) return input.slice(0, 50).map((x) => printable(x, max));
  if (input && typeof input === 'object') return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, printable(v, max)]));
  return input;
}

/** One line naming how to replay a violation. */
export function describeViolation(fuzzer: string, seed: number, v: Violation): string {
  return `${fuzzer} seed=${seed} case=${v.case} ${v.invariant}: ${v.detail}\n  input: ${JSON.stringify(printable(v.input))}\n  replay: npm run fuzz -- ${fuzzer.split('_')[0]} --seed ${seed} --case ${v.case}`;
}

/** Case numbers a run goes through. */
export function caseNumbers(o: FuzzOptions): number[] {
  if (o.onlyCase !== undefined) return [o.onlyCase];
  return Array.from({ length: o.cases }, (_, i) => i);
}
