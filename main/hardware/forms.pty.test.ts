import { afterEach, describe, expect, it } from 'vitest';
import { dispenserOnPty } from './testing/pty-rig';

/**
 * The dispense data forms and reply forms of the hoppers in use (cctalk-hopper.md "Dispense (167)"),
 * and the CRC-16 frame variant, end to end through the dispenser on a real pty.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('dispense forms, reply forms and checksum modes over a pty', () => {
  it.each([
    ['serial-number form, event-counter reply (SUZOHAPP Flow, DIP 8 off)', 'serial', 'event_counter'],
    ['8-byte form after a 160, event-counter reply (SCH2 NOENCRYPT)', 'cipher8', 'event_counter'],
    ['serial-number form, ACK reply (Alberici, SCH1 format)', 'serial', 'ack'],
    ['8-byte form, ACK reply', 'cipher8', 'ack'],
  ] as const)('pays with the %s', async (_name, dispenseForm, replyForm) => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { dispenseForm, replyForm }, { dispenseForm, replyForm });
    const r = await dispenser.payout({ jobId: `job-${dispenseForm}-${replyForm}`, coins: 6 });
    expect(r).toMatchObject({ coinsPaid: 6, outcome: 'completed' });
    expect(sim.dispenseLog).toEqual([6]);
    expect(sim.seen.get(160) ?? 0).toBe(dispenseForm === 'cipher8' ? 1 : 0);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('decides a lost ACK-form reply from the event counter without a second 167', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { replyForm: 'ack', faults: { dropReplyAfterPaying: true } }, { replyForm: 'ack' });
    const r = await dispenser.payout({ jobId: 'job-ack-lost', coins: 5 });
    expect(r).toMatchObject({ coinsPaid: 5, outcome: 'completed' });
    expect(journal.intent(r.intentId)?.settledBy).toBe('status');
    expect(sim.dispenseLog).toEqual([5]);
  });

  it('records nothing paid when the hopper refuses a dispense form it does not speak (NAK)', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { dispenseForm: 'cipher8' }, { dispenseForm: 'serial' });
    const r = await dispenser.payout({ jobId: 'job-wrong-form', coins: 3 });
    expect(r).toMatchObject({ coinsPaid: 0, coinsUnpaid: 3, outcome: 'failed' });
    expect(sim.coinsOut).toBe(0);
    expect(journal.intent(r.intentId)).toMatchObject({ outcome: 'unpaid', coinsPaid: 0 });
  });

  it('pays and reads health with CRC-16 frames', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { checksum: 'crc16' }, { checksum: 'crc16' });
    expect(await dispenser.health()).toMatchObject({ connected: true, identity: { serial: 345678, category: 'Payout' } });
    const r = await dispenser.payout({ jobId: 'job-crc', coins: 8 });
    expect(r).toMatchObject({ coinsPaid: 8, outcome: 'completed', fault: null });
    expect(sim.dispenseLog).toEqual([8]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('sends 161 (pump RNG) before 160 when configured, for an 8-byte-form build that refuses without it', async () => {
    const without = await dispenserOnPty(cleanups, { dispenseForm: 'cipher8', needsRngPump: true }, { dispenseForm: 'cipher8', staleReplyMs: 200 });
    expect(await without.dispenser.payout({ jobId: 'job-no-pump', coins: 3 })).toMatchObject({ coinsPaid: 0, outcome: 'failed' });
    expect(without.sim.coinsOut).toBe(0);
    const withPump = await dispenserOnPty(cleanups, { dispenseForm: 'cipher8', needsRngPump: true }, { dispenseForm: 'cipher8', pumpRng: true });
    expect(await withPump.dispenser.payout({ jobId: 'job-pump', coins: 3 })).toMatchObject({ coinsPaid: 3, outcome: 'completed' });
    expect(withPump.sim.seen.get(161)).toBe(1);
    expect(withPump.journal.coinsPaidTotal()).toBe(withPump.sim.coinsOut);
  });

  it('gets no answer from a hopper speaking the other checksum mode, and pays nothing', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { checksum: 'simple' }, { checksum: 'crc16', replyTimeoutMs: 60 });
    expect(await dispenser.health()).toMatchObject({ connected: false, faults: ['no_reply'] });
    await expect(dispenser.payout({ jobId: 'job-crc-mismatch', coins: 2 })).rejects.toMatchObject({ code: 'no_reply' });
    expect(journal.openIntents()).toEqual([]);
    expect(sim.coinsOut).toBe(0);
  });
});
