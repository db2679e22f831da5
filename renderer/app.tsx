import { useEffect, useRef, useState, type ReactNode } from 'react';
import { AdminScreen } from './admin/admin-screen';
import { PinScreen } from './admin/pin-screen';
import { createTapGesture } from './admin/tap-gesture';
import { useKioskState } from './api/kiosk-context';
import { useI18n } from './i18n/i18n-context';
import { catalogs, nextLanguage } from './i18n/translate';
import { ScreenRouter } from './screen-router';
import { CustomerSessionProvider, useCustomerSession } from './session/customer-session';
import { Logo } from './ui/art';
import { LanguageChoice } from './ui/language-choice';

/**
 * The kiosk's UI: the logo and a language switch over the screen for the current state. The admin
 * screen replaces the customer screen while the core has an admin session open; the hidden tap
 * gesture on the logo (admin/tap-gesture.ts) only opens the PIN screen. The customer session
 * (session/customer-session.tsx) decides welcome or amount screen and when the language resets.
 */
export function App() {
  const state = useKioskState();
  const [pinOpen, setPinOpen] = useState(false);
  const adminOpen = state?.admin_open === true;

  useEffect(() => {
    if (adminOpen) setPinOpen(false);
  }, [adminOpen]);

  return (
    <CustomerSessionProvider screen={state?.flow.screen ?? null}>
      <Frame onPin={() => setPinOpen(true)} customer={!adminOpen && !pinOpen}>
        {state !== null && adminOpen ? (
          <AdminScreen state={state} />
        ) : state !== null && pinOpen ? (
          <PinScreen onBack={() => setPinOpen(false)} />
        ) : (
          <ScreenRouter state={state} />
        )}
      </Frame>
    </CustomerSessionProvider>
  );
}

function Frame({ onPin, customer, children }: { onPin: () => void; customer: boolean; children: ReactNode }) {
  const { lang, toggle } = useI18n();
  const { phase } = useCustomerSession();
  const state = useKioskState();
  const gesture = useRef(createTapGesture());
  const next = nextLanguage(lang);
  // The welcome screen has its own language choice; elsewhere one tap switches to the next language.
  const onWelcome = customer && state?.flow.screen === 'idle' && phase === 'welcome' && state.out_of_service === null;
  return (
    <div className="app" lang={lang}>
      <header className="topbar">
        <span className="brand" data-testid="brand" onClick={() => gesture.current.tap(performance.now()) && onPin()}>
          <Logo />
        </span>
        {onWelcome && <LanguageChoice />}
        {!onWelcome && next !== lang && (
          <button type="button" className="lang-toggle" data-testid="lang-toggle" lang={next} onClick={toggle}
            aria-label={catalogs[next]?.['lang.use'] ?? next}>
            {catalogs[next]?.['lang.name'] ?? next}
          </button>
        )}
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
