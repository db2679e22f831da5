import { describe, expect, it } from 'vitest';
import { judgePayment } from './confirm-payment';
import { PortalTransactionSchema } from './portal-transaction';

/** One schema for the portal's transaction answer, in the documented snake_case and the camelCase of the portal's source. */
const TO = '0x' + 'cd'.repeat(20);
const expected = { reference: 'ref-1', recipient: TO, token: 'USDC' as const, tokenAmount: 1_000_000n };
const snake = { reference: 'ref-1', transaction_status: 'mined', to: TO, token: 'USDCE', token_amount: '1000000', transaction_hash: '0xab', app_id: 'app_x' };
const camel = { reference: 'ref-1', transactionStatus: 'mined', to: TO, token: 'USDCE', tokenAmount: '1000000', transactionHash: '0xab', appId: 'app_x' };

describe('PortalTransactionSchema', () => {
  it('reads the documented snake_case answer', () => {
    const tx = PortalTransactionSchema.parse(snake);
    expect(tx).toMatchObject({ transaction_status: 'mined', token_amount: '1000000', transaction_hash: '0xab', app_id: 'app_x' });
    expect(judgePayment(tx, expected)).toEqual({ verdict: 'confirmed' });
  });

  it('reads the camelCase answer of the portal source as the same transaction', () => {
    const tx = PortalTransactionSchema.parse(camel);
    expect(tx).toMatchObject({ transaction_status: 'mined', token_amount: '1000000', transaction_hash: '0xab', app_id: 'app_x' });
    expect(judgePayment(tx, expected)).toEqual({ verdict: 'confirmed' });
    expect(judgePayment(PortalTransactionSchema.parse({ ...camel, transactionStatus: 'pending' }), expected)).toEqual({ verdict: 'pending' });
  });

  it('lets the snake_case field win when both forms are present, and still checks the camelCase values', () => {
    expect(PortalTransactionSchema.parse({ ...snake, tokenAmount: '5' }).token_amount).toBe('1000000');
    expect(PortalTransactionSchema.safeParse({ ...camel, tokenAmount: 1_000_000 }).success).toBe(false);
    expect(PortalTransactionSchema.safeParse({ ...camel, transactionStatus: 'MINED' }).success).toBe(false);
  });
});
