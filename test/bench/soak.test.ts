import { describe, expect, it } from 'vitest';
import { runSoak } from './soak/run-soak';

/**
 * The soak's own code path, reduced: 20 cash-outs through the same driver `npm run bench -- soak`
 * uses (real kiosk core, real cloud on PGlite, simulators in a child process), so the bench keeps
 * working. runSoak throws on any cash-out that does not end 'done' with exactly its coins, and on
 * any disagreement between the hopper, kiosk and cloud counts; this test also checks them itself.
 */
describe('kiosk soak (reduced)', () => {
  it('runs 20 cash-outs, each paying exactly 4 coins, with hopper, kiosk and cloud counts equal', async () => {
    const progress: number[] = [];
    const r = await runSoak({ cashouts: 20, sampleEvery: 5, onProgress: (p) => progress.push(p.done) });
    expect(r.cashouts).toBe(20);
    expect(r.latenciesMs).toHaveLength(20);
    expect(r.other.hopperCoinsOut).toBe(80);
    expect(r.kiosk).toEqual({ completed: 20, coinsPaid: 80, outboxDepth: 0, quarantined: 0 });
    expect(r.other).toMatchObject({ cloudCompleted: 20, cloudCoinsPaid: 80, cloudJobs: 20, cloudJobCoinsPaid: 80, hopperDispenseCommands: 20 });
    // Warm-up (5 % → cash-out 1) is the baseline sample; then every 5 cash-outs.
    expect(r.samples.map((s) => s.cashouts)).toEqual([1, 5, 10, 15, 20]);
    expect(r.warmup.cashouts).toBe(1);
    expect(r.end.cashouts).toBe(20);
    expect(r.gcExposed).toBe(true);
    for (const s of r.samples) expect(s.rss_mb).toBeGreaterThan(s.heap_used_mb);
    expect(progress).toEqual([5, 10, 15, 20]);
  }, 120_000);
});
