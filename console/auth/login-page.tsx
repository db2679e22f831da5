import { useState, type FormEvent } from 'react';
import { ApiError, describeError, type ConsoleApi } from '../api/client';
import type { Session } from '../api/schemas';

/**
 * Log in (issue 17): email and password; the TOTP field appears when the cloud answers `totp_required`
 * (an account with a second factor). Refusals are shown in words, never the password.
 */
export function LoginPage({ api, onLogin }: { api: ConsoleApi; onLogin(s: Session): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [askTotp, setAskTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api.login(email.trim(), password, askTotp ? totp.trim() : undefined));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') {
        if (askTotp) setError('That code is not right: enter the current 6-digit code.');
        setAskTotp(true);
      } else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" data-testid="page-login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">RoluATM console</h1>
        <p className="muted">Log in with your operator account.</p>
        <label htmlFor="login-email">Email</label>
        <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
        {askTotp ? (
          <>
            <label htmlFor="login-totp">Authenticator code</label>
            <input
              id="login-totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              autoFocus
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
              data-testid="login-totp"
              aria-describedby="login-totp-hint"
            />
            <p id="login-totp-hint" className="muted small">
              This account has a second factor: enter the 6-digit code from your authenticator app.
            </p>
          </>
        ) : null}
        {error ? (
          <p role="alert" className="notice bad" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
