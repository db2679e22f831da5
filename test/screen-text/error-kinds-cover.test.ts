import { describe, expect, it } from 'vitest';
import { errorKindOf, isMoneyKind } from '../../contract/error-kinds';
import { MESSAGE_CODES, messageFor } from '../../main/kiosk/error-messages';
import { errorKeys } from '../../renderer/features/error/error-words';
import { catalogs, LANGUAGES } from '../../renderer/i18n/translate';

/**
 * The core's error codes (main/) and the screen's wording (renderer/, by kind, issue 16) cover the same
 * ground: every code the core knows has a kind with a headline and next step in every language; the
 * codes the core says "collect at any RoluATM" for are money kinds, worded so in every language.
 */
// `hopper` (a dispenser fault) reads "cannot do this right now" on purpose: it is not an empty hopper.
const NOT_A_CUSTOMER_KIND = new Set(['hopper', 'not_enrolled', 'busy', 'maintenance', 'admin_open', 'amount_out_of_range', 'environment_not_accepted', 'transaction_state', 'request_failed']);

describe('error codes and the screen’s words', () => {
  it('gives every code the core knows a kind (the rest read "cannot do this right now")', () => {
    expect(MESSAGE_CODES.filter((code) => errorKindOf(code) === 'unavailable' && !NOT_A_CUSTOMER_KIND.has(code))).toEqual([]);
  });

  it('has a headline and a next step for every kind in every language', () => {
    for (const lang of LANGUAGES) {
      for (const code of MESSAGE_CODES) {
        const keys = errorKeys(errorKindOf(code));
        expect(catalogs[lang]?.[keys.title], `${lang} ${code}`).toBeTruthy();
        expect(catalogs[lang]?.[keys.body], `${lang} ${code}`).toBeTruthy();
      }
    }
  });

  it('says in every language where coins owed are collected (issue 15)', () => {
    for (const code of MESSAGE_CODES.filter((c) => /any RoluATM/.test(messageFor(c).next_step))) {
      const kind = errorKindOf(code);
      expect({ code, money: isMoneyKind(kind) }).toEqual({ code, money: true });
      for (const lang of LANGUAGES) expect(catalogs[lang]?.[errorKeys(kind).body], `${lang} ${code}`).toMatch(/RoluATM/);
    }
  });
});
