import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as zodConfig } from 'zod';
import { createDefaultKioskClient } from './api/default-client';
import { KioskProvider } from './api/kiosk-context';
import { App } from './app';
import { I18nProvider } from './i18n/i18n-context';
import './styles.css';

// The page's CSP forbids eval; zod must not try its eval-based fast path (it would log CSP violations).
zodConfig({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('index.html must have a #root element');

createRoot(container).render(
  <StrictMode>
    <KioskProvider client={createDefaultKioskClient(window)}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </KioskProvider>
  </StrictMode>,
);
