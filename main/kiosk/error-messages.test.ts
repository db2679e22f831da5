import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../contract/http';
import { errorFlow, errorScreen, messageFor } from './error-messages';

describe('error messages', () => {
  it('gives every 422 refusal of the cloud its own plain sentence, not the fallback', () => {
    const refusals = [
      ErrorCodes.transactionExpired,
      ErrorCodes.transactionState,
      ErrorCodes.proofInvalid,
      ErrorCodes.signalMismatch,
      ErrorCodes.actionMismatch,
      ErrorCodes.nonceInvalid,
      ErrorCodes.nullifierUsed,
      ErrorCodes.limitReached,
      ErrorCodes.amountOutOfRange,
      ErrorCodes.paymentInvalid,
    ];
    const fallback = messageFor('no_such_code').message;
    for (const code of refusals) expect(messageFor(code).message, code).not.toBe(fallback);
  });

  it('says why a cash-out is refused during maintenance or while a technician is at the kiosk', () => {
    expect(errorScreen('maintenance').error.message).toMatch(/maintenance/);
    expect(errorScreen('admin_open').error.message).toMatch(/technician/);
  });

  it('keeps the detail of an unknown code visible for staff', () => {
    expect(errorScreen('weird', 'HTTP 500').error.message).toContain('HTTP 500');
  });

  it('never tells a customer whose payment timed out to stay for coins (issue 15): the session has ended', () => {
    const { error, next_step } = errorScreen('payment_timeout');
    expect(`${error.message} ${next_step}`).not.toMatch(/stay here|paid out as soon as/i);
    expect(next_step).toMatch(/owed to you/);
  });

  it('tells a customer owed coins to collect them at any RoluATM with World App, never that they "will be refunded" (issue 15)', () => {
    // partial_payout and payout_failed always carry coins_owed: the screen's owed note says where to collect.
    for (const code of ['payment_timeout', 'payment_confirm_timeout', 'collect_timeout', 'partial_payout', 'payout_failed', 'payout_in_doubt']) {
      const { next_step } = messageFor(code);
      if (!['partial_payout', 'payout_failed'].includes(code)) expect(next_step, code).toMatch(/any RoluATM by scanning with World App/);
      expect(next_step, code).not.toMatch(/refund/i);
    }
  });

  it('builds the error screen with the receipt code, the coins owed and the coins paid so far', () => {
    const txId = '01937a4e-7b1c-7000-8000-00000000abcd';
    expect(errorFlow('partial_payout', { transactionId: txId, coinsOwed: 13, coinsPaid: 7 })).toMatchObject({
      screen: 'error', error: { code: 'partial_payout' }, transaction_id: txId, receipt_code: '0000ABCD', coins_owed: 13, coins_paid: 7,
    });
    expect(errorFlow('offline', { transactionId: null })).toMatchObject({ transaction_id: null, receipt_code: null, coins_owed: null, coins_paid: null });
  });
});
