import { describe, expect, it } from 'vitest';
import { en } from './strings-en';
import { catalogs, LANGUAGES, nextLanguage, placeholders, translate } from './translate';

const keys = Object.keys(en) as (keyof typeof en)[];

describe('i18n catalogs (every strings-<code>.ts file is a language: issue 16, a third one needs no code change)', () => {
  it('finds English and Spanish by their files, English first', () => {
    expect(LANGUAGES[0]).toBe('en');
    expect(LANGUAGES).toContain('es');
    expect(LANGUAGES).not.toContain('admin-en');
  });
  it('has every English key in every language, and no extra keys', () => {
    for (const lang of LANGUAGES) expect(Object.keys(catalogs[lang] ?? {}).sort()).toEqual([...keys].sort());
  });
  it('has a non-empty string for every key in every language', () => {
    for (const lang of LANGUAGES) for (const text of Object.values(catalogs[lang] ?? {})) expect(text.trim()).not.toBe('');
  });
  it('uses the same placeholders in every language as in English, and every plural has an `other` form', () => {
    for (const lang of LANGUAGES) {
      for (const key of keys) {
        const text = catalogs[lang]?.[key] ?? '';
        expect({ lang, key, names: placeholders(text) }).toEqual({ lang, key, names: placeholders(en[key]) });
        for (const m of text.matchAll(/\{\w+, plural,(.*?)\}\s*\}/g)) expect({ lang, key, other: /other\s*\{/.test(m[1] ?? '') }).toEqual({ lang, key, other: true });
      }
    }
  });
  it('names each language in itself for the welcome screen', () => {
    expect(LANGUAGES.map((l) => catalogs[l]?.['lang.name'])).toEqual(['English', 'Español']);
    expect(nextLanguage('en')).toBe('es');
    expect(nextLanguage('es')).toBe('en');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'amount.limits', { min: '$1.00', max: '$50.00' })).toBe('From $1.00 to $50.00');
    expect(translate('es', 'amount.below_min', {})).toBe('El monto mínimo es {min}.');
  });
  it('picks the plural form by the language’s rules (Intl.PluralRules)', () => {
    expect(translate('en', 'done.body', { coins: 1, value: '$0.25' })).toBe('You received 1 quarter ($0.25).');
    expect(translate('en', 'done.body', { coins: 40, value: '$10.00' })).toBe('You received 40 quarters ($10.00).');
    expect(translate('es', 'amount.not_enough_coins', { coins: 1, value: '$0.25' })).toBe('A este cajero solo le queda 1 moneda ($0.25). Elija un monto menor.');
    expect(translate('es', 'amount.not_enough_coins', { coins: 10, value: '$2.50' })).toBe('A este cajero solo le quedan 10 monedas ($2.50). Elija un monto menor.');
  });
  it('falls back to English for a language it does not have', () => {
    expect(translate('xx', 'cancel')).toBe('Cancel');
  });
});
