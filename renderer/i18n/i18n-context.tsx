import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { StringKey } from './strings-en';
import { DEFAULT_LANGUAGE, nextLanguage, translate, type Language, type Vars } from './translate';

interface I18n {
  lang: Language;
  t(key: StringKey, vars?: Vars): string;
  /** The customer's choice; it holds for the whole session (issue 16). */
  choose(lang: Language): void;
  /** The top bar's one-tap switch to the next language. */
  toggle(): void;
  /** Back to the default language, for the next customer (the welcome screen calls it). */
  reset(): void;
}

const I18nContext = createContext<I18n>({
  lang: DEFAULT_LANGUAGE,
  t: (key, vars) => translate(DEFAULT_LANGUAGE, key, vars),
  choose: () => undefined,
  toggle: () => undefined,
  reset: () => undefined,
});

export function I18nProvider({ children, initial = DEFAULT_LANGUAGE }: { children: ReactNode; initial?: Language }) {
  const [lang, setLang] = useState<Language>(initial);
  const toggle = useCallback(() => setLang((l) => nextLanguage(l)), []);
  const reset = useCallback(() => setLang(DEFAULT_LANGUAGE), []);
  const value = useMemo<I18n>(
    () => ({ lang, t: (key, vars) => translate(lang, key, vars), choose: setLang, toggle, reset }),
    [lang, toggle, reset],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
