import { useState, type FormEvent } from 'react';
import { describeError, type ConsoleApi } from '../api/client';
import { AnySchema } from '../api/schemas';

/** Smallest new password the console offers to send; the cloud's rule is the one that counts. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Change password (issue 17): forced at first login (`must_change_password`, the initial password the
 * operator CLI printed), and reachable from the account menu later.
 */
export function PasswordPage({ api, forced, onChanged }: { api: ConsoleApi; forced: boolean; onChanged(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next.length < MIN_PASSWORD_LENGTH) return setError(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
    if (next !== again) return setError('The two new passwords differ.');
    if (next === current) return setError('Choose a password different from the current one.');
    setBusy(true);
    setError(null);
    try {
      await api.send('POST', '/v1/auth/password', AnySchema, { current, next });
      onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" data-testid="page-password">
      <form className="card login-card" onSubmit={submit} aria-labelledby="password-title">
        <h1 id="password-title">{forced ? 'Choose your own password' : 'Change password'}</h1>
        {forced ? <p className="muted">This is your first login with the password you were given. Choose a new one to continue.</p> : null}
        <label htmlFor="pw-current">Current password</label>
        <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="pw-current" />
        <label htmlFor="pw-next">New password</label>
        <input id="pw-next" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} data-testid="pw-next" aria-describedby="pw-next-hint" />
        <p id="pw-next-hint" className="muted small">
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
        <label htmlFor="pw-again">New password again</label>
        <input id="pw-again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} data-testid="pw-again" />
        {error ? (
          <p role="alert" className="notice bad" data-testid="pw-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy} data-testid="pw-submit">
          Save new password
        </button>
      </form>
    </main>
  );
}
