import { useI18n } from '../i18n/i18n-context';
import { catalogs, LANGUAGES } from '../i18n/translate';

/** Every customer language by its own name (the welcome screen's choice; issue 16). The choice holds for the session. */
export function LanguageChoice() {
  const { t, lang, choose } = useI18n();
  return (
    <div className="lang-choice" role="group" aria-label={t('lang.choose')}>
      {LANGUAGES.map((code) => (
        <button key={code} type="button" className="lang-option" lang={code} data-testid={`lang-${code}`}
          aria-pressed={code === lang} onClick={() => choose(code)}>
          {catalogs[code]?.['lang.name'] ?? code}
        </button>
      ))}
    </div>
  );
}
