import { describe, expect, it } from 'vitest';
import { en } from './strings-en';
import { es } from './strings-es';
import { catalogs, LANGUAGES, placeholders, translate } from './translate';

describe('i18n catalogs', () => {
  it('has every English key in every language, and no extra keys', () => {
    const keys = Object.keys(en).sort();
    for (const lang of LANGUAGES) expect(Object.keys(catalogs[lang]).sort()).toEqual(keys);
  });
  it('has a non-empty string for every key in every language', () => {
    for (const lang of LANGUAGES) for (const text of Object.values(catalogs[lang])) expect(text.trim()).not.toBe('');
  });
  it('uses the same placeholders in Spanish as in English', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect({ key, names: placeholders(es[key]) }).toEqual({ key, names: placeholders(en[key]) });
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'amount.limits', { min: '$1.00', max: '$50.00' })).toBe('From $1.00 to $50.00');
    expect(translate('es', 'amount.below_min', {})).toBe('El monto mínimo es {min}.');
  });
});
