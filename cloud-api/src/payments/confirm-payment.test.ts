import { describe, expect, it } from 'vitest';
import { centsToTokenBaseUnits, judgePayment, pendingRecheckDelays, type ExpectedPayment } from './confirm-payment';
import type { PortalTransaction } from './portal-transaction';

const RECIPIENT = '0xAbC0000000000000000000000000000000000dEf';
const expected: ExpectedPayment = { reference: 'ref-0192f0aa', recipient: RECIPIENT, token: 'USDC', tokenAmount: 5_250_000n };

function tx(over: Record<string, unknown> = {}): PortalTransaction {
  const base = {
    reference: 'ref-0192f0aa',
    transaction_hash: '0x' + '11'.repeat(32),
    transaction_status: 'mined',
    from: '0x' + '22'.repeat(20),
    chain: 'worldchain',
    timestamp: '2026-01-01T00:00:00Z',
    token_amount: '5250000',
    token: 'USDCE',
    to: RECIPIENT.toLowerCase(),
    app_id: 'app_staging_roluatm0sim',
  };
  return { ...base, ...over } as unknown as PortalTransaction;
}

describe('judgePayment', () => {
  it('confirms a mined payment whose reference, recipient, token and amount all match', () => {
    expect(judgePayment(tx(), expected)).toEqual({ verdict: 'confirmed' });
  });

  it('compares the recipient address without regard to case and accepts USDC reported as USDC or USDCE', () => {
    expect(judgePayment(tx({ to: RECIPIENT.toUpperCase().replace('0X', '0x') }), expected)).toEqual({ verdict: 'confirmed' });
    expect(judgePayment(tx({ token: 'USDC' }), expected)).toEqual({ verdict: 'confirmed' });
    expect(judgePayment(tx({ token: 'usdce' }), expected)).toEqual({ verdict: 'confirmed' });
  });

  it('answers pending for a matching payment that is not mined yet, and failed for one that failed', () => {
    expect(judgePayment(tx({ transaction_status: 'pending' }), expected)).toEqual({ verdict: 'pending' });
    expect(judgePayment(tx({ transaction_status: 'failed' }), expected)).toEqual({ verdict: 'failed', code: 'payment_failed' });
  });

  const mismatched: Array<[string, Record<string, unknown>]> = [
    ['another reference', { reference: 'ref-0192f0ab' }],
    ['the reference in another case', { reference: 'REF-0192F0AA' }],
    ['the reference with a trailing space', { reference: 'ref-0192f0aa ' }],
    ['another recipient', { to: '0x' + 'ab'.repeat(20) }],
    ['a recipient that is not an address', { to: 'roluatm.eth' }],
    ['a recipient with our address as a prefix', { to: RECIPIENT + '00' }],
    ['WLD instead of USDC', { token: 'WLD' }],
    ['an unknown token', { token: 'USDT' }],
    ['one base unit too little', { token_amount: '5249999' }],
    ['one base unit too much', { token_amount: '5250001' }],
    ['a zero amount', { token_amount: '0' }],
    ['the amount in whole dollars', { token_amount: '5' }],
  ];
  for (const [what, over] of mismatched) {
    for (const status of ['mined', 'pending', 'failed']) {
      it(`refuses a ${status} payment with ${what}`, () => {
        const verdict = judgePayment(tx({ ...over, transaction_status: status }), expected);
        expect(verdict).toMatchObject({ verdict: 'refused', code: 'payment_invalid' });
      });
    }
  }

  const malformed: Array<[string, Record<string, unknown>]> = [
    ['no reference', { reference: undefined }],
    ['no recipient', { to: undefined }],
    ['no token', { token: undefined }],
    ['no amount', { token_amount: undefined }],
    ['no status', { transaction_status: undefined }],
    ['an unknown status', { transaction_status: 'submitted' }],
    ['a status in capitals', { transaction_status: 'MINED' }],
    ['an amount as a JSON number', { token_amount: 5250000 }],
    ['a decimal amount', { token_amount: '5.25' }],
    ['a negative amount', { token_amount: '-5250000' }],
    ['a hex amount', { token_amount: '0x501bd0' }],
    ['an amount in exponent form', { token_amount: '5.25e6' }],
    ['an amount with spaces', { token_amount: ' 5250000' }],
    ['an amount longer than a uint256', { token_amount: '9'.repeat(79) }],
    ['an amount of a thousand digits', { token_amount: '1' + '0'.repeat(999) }],
    ['a reference that is an object', { reference: { $ne: null } }],
  ];
  for (const [what, over] of malformed) {
    it(`refuses a transaction with ${what}`, () => {
      expect(judgePayment(tx(over), expected)).toMatchObject({ verdict: 'refused', code: 'payment_invalid' });
    });
  }

  it('refuses null and non-object answers instead of throwing', () => {
    for (const junk of [null, undefined, 'mined', 42, [], [tx()]]) {
      expect(judgePayment(junk as unknown as PortalTransaction, expected)).toMatchObject({ verdict: 'refused' });
    }
  });

  it('compares huge amounts exactly, beyond what a double can hold', () => {
    const huge = 2n ** 255n + 1n;
    const big: ExpectedPayment = { ...expected, token: 'WLD', tokenAmount: huge };
    expect(judgePayment(tx({ token: 'WLD', token_amount: huge.toString() }), big)).toEqual({ verdict: 'confirmed' });
    expect(judgePayment(tx({ token: 'WLD', token_amount: (huge - 1n).toString() }), big)).toMatchObject({ verdict: 'refused' });
  });

  it('refuses everything when our own recipient is misconfigured', () => {
    expect(judgePayment(tx({ to: 'nope' }), { ...expected, recipient: 'nope' })).toMatchObject({ verdict: 'refused', message: /config/ });
  });
});

describe('centsToTokenBaseUnits', () => {
  it('turns cents into USDC base units at 10^4 per cent', () => {
    expect(centsToTokenBaseUnits(525, 'USDC')).toBe(5_250_000n);
    expect(centsToTokenBaseUnits(0, 'USDC')).toBe(0n);
    expect(centsToTokenBaseUnits(100_000_00, 'USDC')).toBe(100_000_000_000n);
  });

  it('turns cents into WLD base units from an integer price, exactly', () => {
    // WLD at $2: 0.5 WLD per USD = 500000 micro-WLD; $5.25 → 2.625 WLD = 2625 × 10^15 base units.
    expect(centsToTokenBaseUnits(525, 'WLD', { wldPerUsdMicro: 500_000 })).toBe(2_625_000_000_000_000_000n);
    expect(centsToTokenBaseUnits(1, 'WLD', { wldPerUsdMicro: 1n })).toBe(10_000_000_000n);
  });

  it('refuses WLD without a price, and fractional, negative or unsafe inputs', () => {
    expect(() => centsToTokenBaseUnits(100, 'WLD')).toThrow(/price/);
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => centsToTokenBaseUnits(bad, 'USDC')).toThrow(expect.objectContaining({ code: 'amount_invalid' }));
    }
    for (const price of [0, -5, 0.5, 0n, -1n]) {
      expect(() => centsToTokenBaseUnits(100, 'WLD', { wldPerUsdMicro: price })).toThrow(/wldPerUsdMicro/);
    }
  });
});

describe('pendingRecheckDelays', () => {
  it('doubles from one second, caps each wait at a minute and stays within ten minutes in total', () => {
    const delays = pendingRecheckDelays();
    expect(delays.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000]);
    expect(Math.max(...delays)).toBe(60_000);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(600_000);
    expect(total + 60_000).toBeGreaterThan(600_000);
  });

  it('follows a custom policy and refuses a nonsensical one', () => {
    expect(pendingRecheckDelays({ firstMs: 10, capMs: 40, totalMs: 100 })).toEqual([10, 20, 40]);
    expect(pendingRecheckDelays({ totalMs: 0 })).toEqual([]);
    expect(() => pendingRecheckDelays({ firstMs: 0 })).toThrow(RangeError);
    expect(() => pendingRecheckDelays({ firstMs: 10, capMs: 5 })).toThrow(RangeError);
  });
});
