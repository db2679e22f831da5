import { useEffect, useRef } from 'react';
import { useKioskState } from './api/kiosk-context';
import { useI18n } from './i18n/i18n-context';
import { ScreenRouter } from './screen-router';

/** The kiosk's customer UI: a language toggle over the screen for the current state. */
export function App() {
  const state = useKioskState();
  const { t, lang, toggle, reset } = useI18n();
  const screen = state?.flow.screen ?? null;
  const previous = useRef(screen);

  // A cash-out that ends (back to idle after done/error/cancel) hands the kiosk to the next
  // customer, who starts in the default language.
  useEffect(() => {
    if (screen === 'idle' && previous.current !== null && previous.current !== 'idle') reset();
    if (screen !== null) previous.current = screen;
  }, [screen, reset]);

  return (
    <div className="app" lang={lang}>
      <header className="topbar">
        <span className="brand">RoluATM</span>
        <button type="button" className="lang-toggle" data-testid="lang-toggle" aria-label={t('lang.switch_label')} onClick={toggle}>
          {t('lang.switch')}
        </button>
      </header>
      <main className="content">
        <ScreenRouter state={state} />
      </main>
    </div>
  );
}
