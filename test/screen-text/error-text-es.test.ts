import { describe, expect, it } from 'vitest';
import { MESSAGE_CODES, messageFor } from '../../main/kiosk/error-messages';
import { ERRORS_ES } from '../../renderer/features/error/error-text-es';

/** The core's error sentences (main/) and the screen's Spanish ones (renderer/) cover the same codes. */
describe('error sentences in English and Spanish', () => {
  it('has Spanish sentences for every code the core knows', () => {
    expect(MESSAGE_CODES.filter((code) => !Object.hasOwn(ERRORS_ES, code))).toEqual([]);
  });

  it('says in both languages where coins owed are collected (issue 15)', () => {
    for (const code of MESSAGE_CODES.filter((c) => /any RoluATM/.test(messageFor(c).next_step))) {
      expect(ERRORS_ES[code]?.next_step, code).toMatch(/cualquier RoluATM escaneando con World App/);
    }
  });
});
