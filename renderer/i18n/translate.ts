/// <reference types="vite/client" />
import type { StringKey } from './strings-en';

/**
 * The customer languages are the catalog files `strings-<code>.ts` next to this one (issue 16: a third
 * language is one more file, no code change). Each default-exports a full catalog (the type makes a
 * missing key a compile error; translate.test.ts checks placeholders and plural forms). English first.
 */
const modules = import.meta.glob<{ default: Record<StringKey, string> }>(['./strings-*.ts', '!./strings-admin-*.ts', '!./*.test.ts'], { eager: true });

export type Language = string;
export const DEFAULT_LANGUAGE: Language = 'en';

export const catalogs: Readonly<Record<Language, Record<StringKey, string>>> = Object.fromEntries(
  Object.entries(modules).map(([path, mod]) => [path.replace(/^.*strings-(.+)\.ts$/, '$1'), mod.default]),
);
export const LANGUAGES: readonly Language[] = [DEFAULT_LANGUAGE, ...Object.keys(catalogs).filter((l) => l !== DEFAULT_LANGUAGE).sort()];

export type Vars = Record<string, string | number>;

/**
 * The string for `key` in `lang` with placeholders filled. `{name}` is a plain value (an unknown one
 * stays as written); `{name, plural, one {# quarter} other {# quarters}}` picks the form for the
 * number by the language's own plural rules (Intl.PluralRules), `#` being the number, `=0 {…}` an
 * exact match; `other` is required.
 */
export function translate(lang: Language, key: StringKey, vars: Vars = {}): string {
  const catalog = catalogs[lang] ?? catalogs[DEFAULT_LANGUAGE];
  const text = catalog?.[key] ?? key;
  return fillPlain(fillPlurals(lang, text, vars), vars);
}

const PLURAL = /\{(\w+), plural,((?:\s*=?\w+\s*\{[^{}]*\})+)\s*\}/g;
const FORM = /(=?\w+)\s*\{([^{}]*)\}/g;

function fillPlurals(lang: Language, text: string, vars: Vars): string {
  return text.replace(PLURAL, (whole, name: string, body: string) => {
    const value = vars[name];
    if (typeof value !== 'number') return whole;
    const forms = new Map([...body.matchAll(FORM)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const form = forms.get(`=${value}`) ?? forms.get(new Intl.PluralRules(lang).select(value)) ?? forms.get('other') ?? whole;
    return form.replace(/#/g, String(value));
  });
}

function fillPlain(text: string, vars: Vars): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** The placeholder names a string uses (plain and plural), sorted: every language must use the same ones. */
export function placeholders(text: string): string[] {
  const plural = [...text.matchAll(PLURAL)].map((m) => m[1] ?? '');
  const plain = [...text.replace(PLURAL, '').matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  return [...new Set([...plural, ...plain])].sort();
}

/** The language after `lang` in LANGUAGES (the top bar's one-tap switch), wrapping round. */
export function nextLanguage(lang: Language): Language {
  const i = LANGUAGES.indexOf(lang);
  return LANGUAGES[(i + 1) % LANGUAGES.length] ?? DEFAULT_LANGUAGE;
}
