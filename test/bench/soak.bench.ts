import { emit, percentile, round } from './figure';
import { runSoak, SoakFailure } from './soak/run-soak';

/**
 * kiosk_soak_* (issue 8 "Load and soak"): SOAK_CASHOUTS (default 10,000) sequential $1 cash-outs
 * through the real kiosk core in this process, with the cloud API, World ID simulators and hopper
 * simulator in a child process (test/bench/soak/run-soak.ts). Memory is sampled after a forced GC every
 * SOAK_SAMPLE_EVERY cash-outs; growth is measured from the end of the warm-up (first 5 %).
 * The cloud runs on a scratch Postgres database when DATABASE_URL is set, else on PGlite.
 * `npm run bench -- soak` runs only this file. Fails (exit 1) if any cash-out does not pay exactly
 * its coins or the hopper, kiosk and cloud counts disagree at the end.
 */
const CASHOUTS = Number(process.env.SOAK_CASHOUTS ?? 10_000);
const SAMPLE_EVERY = Number(process.env.SOAK_SAMPLE_EVERY ?? 500);
if (!Number.isInteger(CASHOUTS) || CASHOUTS < 1) throw new Error('SOAK_CASHOUTS must be a whole number ≥ 1');
if (!Number.isInteger(SAMPLE_EVERY) || SAMPLE_EVERY < 1) throw new Error('SOAK_SAMPLE_EVERY must be a whole number ≥ 1');

let result;
try {
  result = await runSoak({
    cashouts: CASHOUTS,
    sampleEvery: SAMPLE_EVERY,
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    onProgress: (p) =>
      process.stderr.write(`soak ${p.done}/${p.total}  ${p.perSecond.toFixed(1)} cash-outs/s  ${p.elapsedS.toFixed(0)} s  rss ${p.rssMb.toFixed(1)} MB\n`),
  });
} catch (e) {
  process.stderr.write(`soak failed: ${e instanceof SoakFailure ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}

const r = result;
const phaseP50 = Object.fromEntries(Object.entries(r.phasesMs).map(([k, v]) => [k, v.length ? round(percentile(v, 50), 1) : null]));
const detail = {
  cashouts: r.cashouts,
  amount_cents: r.coinsPerCashout * 25,
  seconds: round(r.seconds, 1),
  cashouts_per_s: round(r.cashouts / r.seconds, 2),
  cloud_db: r.backend,
  gc_before_sample: r.gcExposed,
  warmup_cashouts: r.warmup.cashouts,
  samples: r.samples,
  hopper: 'real ccTalk dispenser on a socat pty → hopper simulator (child process), status poll 20 ms, 1000 coins/s',
  world_id: 'real idkit-core → bridge simulator, phone simulator approves each with a new identity; bridge poll 20 ms',
  in_process: 'kiosk core only (SQLite, dispenser, idkit-core, outbox pusher, job long-poll) + the driver loop',
};
emit({
  name: 'kiosk_soak_rss_growth_mb',
  value: round(r.end.rss_mb - r.warmup.rss_mb, 1),
  unit: 'MB',
  baseline: { name: 'kiosk_soak_rss_after_warmup_mb', value: r.warmup.rss_mb },
  detail,
});
emit({
  name: 'kiosk_soak_heap_growth_mb',
  value: round(r.end.heap_used_mb - r.warmup.heap_used_mb, 1),
  unit: 'MB',
  baseline: { name: 'kiosk_soak_heap_after_warmup_mb', value: r.warmup.heap_used_mb },
  detail: { cashouts: r.cashouts, end_heap_used_mb: r.end.heap_used_mb },
});
const p50 = round(percentile(r.latenciesMs, 50), 1);
const p99 = round(percentile(r.latenciesMs, 99), 1);
const what = 'start cash-out → QR → phone approves → cloud verifies → job on the long-poll → 4 coins paid → done screen';
emit({ name: 'kiosk_soak_cashout_p50_ms', value: p50, unit: 'ms', detail: { cashouts: r.cashouts, what, phase_p50_ms_from_previous_screen: phaseP50 } });
emit({ name: 'kiosk_soak_cashout_p99_ms', value: p99, unit: 'ms', detail: { cashouts: r.cashouts, max_ms: round(Math.max(...r.latenciesMs), 1), what } });
emit({
  name: 'kiosk_soak_cashouts',
  value: r.cashouts,
  unit: 'cash-outs',
  detail: {
    all_done_exact: true,
    hopper_coins_out: r.other.hopperCoinsOut,
    kiosk_coins_paid: r.kiosk.coinsPaid,
    cloud_coins_paid: r.other.cloudCoinsPaid,
    cloud_jobs: r.other.cloudJobs,
    outbox_depth: r.kiosk.outboxDepth,
  },
});
process.exit(0);
