import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { createMockHopperPort, simulatedMockBinding } from '../../sim/hopper/mock-binding';
import { HopperSimulator } from '../../sim/hopper/simulator';
import { levelFrom } from './cctalk-counters';
import { createCcTalkDispenser } from './cctalk-dispenser';
import { silentLog, tmpJournal } from './testing/dispenser-fixture';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sensors = (belowLow: boolean, atOrAboveHigh = false) => ({ belowLow, atOrAboveHigh, lowSensorFitted: true, highSensorFitted: true });

describe('coin level from the 217 sensors and from the counted inventory', () => {
  it.each([
    ['the empty fault', sensors(false), ['empty' as const], null, 'empty'],
    ['a count of 0', sensors(false), [], 0, 'empty'],
    ['the low sensor', sensors(true), [], 500, 'low'],
    ['a count under the low mark', sensors(false), [], 39, 'low'],
    ['the high sensor with a healthy count', sensors(false, true), [], 500, 'high'],
    ['no sensors and no count', null, [], null, 'unknown'],
    ['no sensors but a healthy count', null, [], 200, 'ok'],
  ] as const)('reports %s as %s', (_what, hl, faults, coins, level) => {
    expect(levelFrom(hl, [...faults], { coins, lowAt: 40 })).toBe(level);
  });

  it('reports health level low from the count even while the low sensor still sees coins, and empty at 0', async () => {
    const sim = new HopperSimulator({ echo: false, inventory: 500 });
    const j = tmpJournal();
    const dispenser = createCcTalkDispenser({
      path: createMockHopperPort(true), binding: simulatedMockBinding(sim), journal: j.journal,
      clock: new ManualClock(), log: silentLog, replyTimeoutMs: 120, lowLevelCoins: 40,
    });
    await dispenser.open();
    cleanups.push(j.dispose, () => sim.stop(), () => dispenser.close());
    expect((await dispenser.health()).level).toBe('ok');
    j.journal.setInventory(30);
    expect((await dispenser.health()).level).toBe('low');
    j.journal.setInventory(0);
    expect((await dispenser.health()).level).toBe('empty');
    j.journal.setInventory(300);
    sim.inventory = 5; // the bowl is below the low sensor whatever the count says
    expect((await dispenser.health()).level).toBe('low');
  });
});
