import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as zodConfig } from 'zod';
import { createConsoleApi } from './api/client';
import { App } from './app';
import './styles.css';

// The cloud serves the console with a CSP without 'unsafe-eval'; zod must not try its eval-based fast path.
zodConfig({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('index.html must have a #root element');

createRoot(container).render(
  <StrictMode>
    <App api={createConsoleApi()} />
  </StrictMode>,
);
