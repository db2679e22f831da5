import { afterEach, describe, expect, it } from 'vitest';
import { checkAmount } from '../../contract/amount-rules';
import { reservedCoins } from '../db/transactions';
import { startHarness, type Harness } from './testing/kiosk-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('coins promised to a transaction in flight', () => {
  it('are reserved: a new cash-out may use only the coins held minus those still owed to an unfinished job', async () => {
    h = await startHarness({ coins: 30 });
    await h.waitFor((s) => s.online && s.out_of_service === null, 'in service');
    h.dispenser.crash = true; // the first job's payout is left in doubt: its 20 coins stay promised
    const first = await h.api.startCashOut({ amount_cents: 500 });
    expect(first.ok).toBe(true);
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    h.worldId.approve();
    await h.waitFor((s) => s.flow.screen === 'error', 'the in-doubt screen');
    expect(reservedCoins(h.db)).toBe(20);
    expect((await h.api.dismiss({})).ok).toBe(true);

    // 30 held − 20 reserved = 10 free: 20 coins ($5) is refused, 8 coins ($2) is not
    const state = h.latest();
    expect(state).toMatchObject({ free_coins: 10, hopper: { coins_available: 30 } });
    // The screen's verdict on this state (the same contract function) is the core's.
    const policy = { min_cents: state.limits.min_cents, max_cents: state.limits.max_cents, fee: state.fee };
    expect(checkAmount(500, policy, state.free_coins)).toMatchObject({ kind: 'not_enough_coins', free_coins: 10 });
    expect(checkAmount(200, policy, state.free_coins)).toMatchObject({ kind: 'ok' });
    expect(await h.api.startCashOut({ amount_cents: 500 })).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(h.db.prepare("SELECT count(*) FROM transactions WHERE status NOT IN ('cancelled')").pluck().get()).toBe(1);
    const second = await h.api.startCashOut({ amount_cents: 200 });
    expect(second.ok).toBe(true);
  });
});
