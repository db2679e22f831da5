import { createPrng } from '../support/prng';

/**
 * The fuzzers' one source of randomness: mulberry32 (test/support/prng.ts) behind a few helpers.
 * Every case gets its own generator derived from (run seed, case number), so a failing case replays
 * alone with `--seed S --case N` whatever ran before it.
 */
export class Rng {
  private readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = createPrng(seed);
  }

  /** The generator for case `n` of a run seeded with `seed`. */
  static forCase(seed: number, n: number): Rng {
    return new Rng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n + 1, 0xc2b2ae35)) >>> 0);
  }

  float(): number {
    return this.next();
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** One of `weighted`'s keys, drawn by weight. */
  weighted<K extends string>(weighted: Record<K, number>): K {
    const entries = Object.entries(weighted) as Array<[K, number]>;
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(0, 255)));
  }
}

/** A fresh seed for a run when none is given (printed, so the run can be replayed). */
export function freshSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
