import { useEffect, useRef, useState } from 'react';
import { AdminScreen } from './admin/admin-screen';
import { PinScreen } from './admin/pin-screen';
import { createTapGesture } from './admin/tap-gesture';
import { useKioskState } from './api/kiosk-context';
import { useI18n } from './i18n/i18n-context';
import { ScreenRouter } from './screen-router';

/**
 * The kiosk's UI: a language toggle over the screen for the current state. The admin screen replaces
 * the customer screen while the core has an admin session open; the hidden tap gesture on the brand
 * (admin/tap-gesture.ts) only opens the PIN screen.
 */
export function App() {
  const state = useKioskState();
  const { t, lang, toggle, reset } = useI18n();
  const screen = state?.flow.screen ?? null;
  const previous = useRef(screen);
  const gesture = useRef(createTapGesture());
  const [pinOpen, setPinOpen] = useState(false);
  const adminOpen = state?.admin_open === true;

  useEffect(() => {
    if (adminOpen) setPinOpen(false);
  }, [adminOpen]);

  // A cash-out that ends (back to idle after done/error/cancel) hands the kiosk to the next
  // customer, who starts in the default language.
  useEffect(() => {
    if (screen === 'idle' && previous.current !== null && previous.current !== 'idle') reset();
    if (screen !== null) previous.current = screen;
  }, [screen, reset]);

  return (
    <div className="app" lang={lang}>
      <header className="topbar">
        <span className="brand" data-testid="brand" onClick={() => gesture.current.tap(performance.now()) && setPinOpen(true)}>
          RoluATM
        </span>
        <button type="button" className="lang-toggle" data-testid="lang-toggle" aria-label={t('lang.switch_label')} onClick={toggle}>
          {t('lang.switch')}
        </button>
      </header>
      <main className="content">
        {state !== null && adminOpen ? (
          <AdminScreen state={state} />
        ) : state !== null && pinOpen ? (
          <PinScreen onBack={() => setPinOpen(false)} />
        ) : (
          <ScreenRouter state={state} />
        )}
      </main>
    </div>
  );
}
