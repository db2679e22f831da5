import { afterEach, describe, expect, it } from 'vitest';
import type { DispenserHealth } from './dispenser';
import { DispenserError } from './dispenser';
import { until } from './testing/dispenser-fixture';
import { dispenserOnPty } from './testing/pty-rig';

/** Device management (issue 3): the USB cable is pulled and put back, on a real pty. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ccTalk dispenser reconnect after unplug (pty)', () => {
  it('reports the hopper gone, reopens its port path with backoff and settles the cut payout before anything else', async () => {
    const { hopper, sim, dispenser, journal } = await dispenserOnPty(cleanups, {}, { reconnect: { initialMs: 40, maxMs: 160 }, maxStatusFailures: 50 });
    const seen: DispenserHealth[] = [];
    dispenser.watchHealth((h) => seen.push(h));
    expect(await dispenser.health()).toMatchObject({ connected: true });

    const paying = dispenser.payout({ jobId: 'job-unplug', coins: 20 }).then(() => null, (e: unknown) => e);
    await until(() => sim.coinsOut >= 5);
    await hopper.unplug();
    const e = await paying;
    expect(e).toBeInstanceOf(DispenserError);
    expect((e as DispenserError).code).toBe('line'); // failed fast: the port is gone, not 50 status timeouts
    expect(journal.openIntents()).toHaveLength(1);
    expect(await dispenser.health()).toMatchObject({ connected: false, faults: ['line'] });
    await expect(dispenser.payout({ jobId: 'job-while-away', coins: 1 })).rejects.toMatchObject({ code: 'in_doubt' });
    expect(journal.openIntents()).toHaveLength(1);

    await until(() => !sim.paying); // the hopper kept its power and finished on its own
    await hopper.replug();
    await until(() => journal.openIntents().length === 0);
    expect(journal.coinsPaidTotal()).toBe(20);
    expect(sim.coinsOut).toBe(20);
    expect(sim.dispenseLog).toEqual([20]);
    await until(() => seen.at(-1)?.connected === true);
    expect(seen.map((h) => h.connected)).toEqual(expect.arrayContaining([false, true]));

    const next = await dispenser.payout({ jobId: 'job-after', coins: 3 });
    expect(next).toMatchObject({ coinsPaid: 3, outcome: 'completed' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('keeps trying to open a port that is missing at start-up and connects once it appears', async () => {
    const { hopper, dispenser, journal } = await dispenserOnPty(cleanups, {}, { reconnect: { initialMs: 40, maxMs: 160 } });
    await dispenser.close();
    await hopper.unplug();
    await expect(dispenser.open()).rejects.toMatchObject({ code: 'line' });
    expect(await dispenser.health()).toMatchObject({ connected: false });
    await expect(dispenser.payout({ jobId: 'job-while-away', coins: 1 })).rejects.toMatchObject({ code: 'line' });
    expect(journal.openIntents()).toEqual([]); // nothing journaled for a hopper that is away
    await hopper.replug();
    await until(async () => (await dispenser.health()).connected);
    expect((await dispenser.health()).identity).toMatchObject({ serial: 345678 });
  });
});
