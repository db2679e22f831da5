/**
 * The reduced fuzz pass in `npm test` runs a fixed seed (a CI run is reproducible); FUZZ_SEED picks
 * another. The full pass (`npm run fuzz`) draws a fresh seed each run and prints it.
 */
export const VITEST_SEED = Number(process.env.FUZZ_SEED ?? 20_251_125) >>> 0;
