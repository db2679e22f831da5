import { useEffect, useState } from 'react';
import type { ConsoleApi } from './api/client';
import { roleAtLeast, type Session } from './api/schemas';
import { LoginPage } from './auth/login-page';
import { PasswordPage } from './auth/password-page';
import { AttentionPage } from './pages/attention-page';
import { AuditPage } from './pages/audit-page';
import { CreditsPage } from './pages/credits-page';
import { FleetPage } from './pages/fleet-page';
import { KioskPage } from './pages/kiosk-page';
import { OperatorsPage } from './pages/operators-page';
import { ReconciliationPage } from './pages/reconciliation-page';
import { TransactionPage } from './pages/transaction-page';
import { TransactionsPage } from './pages/transactions-page';
import { WebhooksPage } from './pages/webhooks-page';
import { NAV, useRoute, type Route } from './router';
import { Page } from './ui/parts';
import { SessionProvider, useSession } from './ui/session';

function CurrentPage({ route }: { route: Route }) {
  const { api } = useSession();
  switch (route.page) {
    case 'fleet':
      return <FleetPage />;
    case 'kiosk':
      return <KioskPage id={route.id} />;
    case 'transactions':
      return <TransactionsPage query={route.query} />;
    case 'transaction':
      return <TransactionPage id={route.id} />;
    case 'attention':
      return <AttentionPage />;
    case 'credits':
      return <CreditsPage />;
    case 'reconciliation':
      return <ReconciliationPage query={route.query} />;
    case 'webhooks':
      return <WebhooksPage />;
    case 'audit':
      return <AuditPage />;
    case 'operators':
      return <OperatorsPage />;
    case 'account':
      return <PasswordPage api={api} forced={false} onChanged={() => (window.location.hash = '#/fleet')} />;
    case 'not_found':
      return (
        <Page title="No such page" testId="page-not-found">
          <p>
            Nothing at <code>{route.path}</code>. <a href="#/fleet">Go to the fleet</a>.
          </p>
        </Page>
      );
  }
}

/** The signed-in console: navigation (a menu button on a phone), the operator and role, logout, the page. */
export function Shell() {
  const route = useRoute();
  const { operator, logout } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [route]);
  const current = route.page === 'kiosk' ? 'fleet' : route.page === 'transaction' ? 'transactions' : route.page;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">RoluATM console</span>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </button>
        <nav id="nav" aria-label="Console" className={menuOpen ? 'open' : undefined}>
          <ul>
            {NAV.filter((n) => !n.admin || roleAtLeast(operator.role, 'admin')).map((n) => (
              <li key={n.page}>
                <a href={n.href} aria-current={current === n.page ? 'page' : undefined} data-testid={`nav-${n.page}`}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <a href="#/account" className="who-name" data-testid="who">
            {operator.email} <span className="badge badge-neutral">{operator.role}</span>
          </a>
          <button type="button" className="secondary small-button" onClick={logout} data-testid="logout">
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <CurrentPage route={route} />
      </main>
    </div>
  );
}

/**
 * The console (issue 17): asks the cloud who is logged in; shows the login page without a session, the
 * forced password change while `must_change_password`, else the shell. A 401 later (expired or revoked
 * session) returns to the login page.
 */
export function App({ api }: { api: ConsoleApi }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [bootError, setBootError] = useState<string | null>(null);
  useEffect(() => {
    api.onUnauthorized(() => setSession(null));
    api.me().then(setSession, (e: unknown) => setBootError(e instanceof Error ? e.message : String(e)));
  }, [api]);
  if (bootError)
    return (
      <main className="login">
        <p role="alert" className="notice bad">
          Could not reach the cloud: {bootError}
        </p>
      </main>
    );
  if (session === undefined)
    return (
      <main className="login">
        <p role="status">Loading…</p>
      </main>
    );
  if (session === null) return <LoginPage api={api} onLogin={setSession} />;
  if (session.operator.must_change_password)
    return <PasswordPage api={api} forced onChanged={() => api.me().then(setSession)} />;
  const logout = () => {
    api.logout().then(() => setSession(null));
  };
  return (
    <SessionProvider value={{ api, operator: session.operator, logout }}>
      <Shell />
    </SessionProvider>
  );
}
