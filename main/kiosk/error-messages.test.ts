import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../contract/http';
import { errorScreen, messageFor } from './error-messages';

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
});
