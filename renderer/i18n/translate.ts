import { en, type StringKey } from './strings-en';
import { es } from './strings-es';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export const catalogs: Record<Language, Record<StringKey, string>> = { en, es };

export type Vars = Record<string, string | number>;

/** The string for `key` in `lang` with `{name}` placeholders filled; an unknown placeholder stays as written. */
export function translate(lang: Language, key: StringKey, vars: Vars = {}): string {
  return catalogs[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

/** The placeholder names a string uses, sorted: both languages must use the same ones. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export function otherLanguage(lang: Language): Language {
  return lang === 'en' ? 'es' : 'en';
}
