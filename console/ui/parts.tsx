import type { ReactNode } from 'react';
import type { Loaded } from './use-load';

/** Page frame: one h1 per page (screen readers and the screenshots name the page by it). */
export function Page({ title, testId, actions, children }: { title: string; testId: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" data-testid={testId} aria-labelledby={`${testId}-title`}>
      <header className="page-head">
        <h1 id={`${testId}-title`}>{title}</h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** Loading / error / content for one request. */
export function LoadState<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  if (state.error)
    return (
      <div role="alert" className="error" data-testid="load-error">
        {state.error}{' '}
        <button type="button" className="link-button" onClick={state.reload}>
          Try again
        </button>
      </div>
    );
  if (state.data === undefined) return <p className="muted" role="status">Loading…</p>;
  return <>{children(state.data)}</>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted empty">{children}</p>;
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'neutral'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A message after a write: success in a status region, failure in an alert. */
export function Notice({ notice }: { notice: { ok: boolean; text: string } | null }) {
  if (!notice) return null;
  return notice.ok ? (
    <p role="status" className="notice ok" data-testid="notice">
      {notice.text}
    </p>
  ) : (
    <p role="alert" className="notice bad" data-testid="notice">
      {notice.text}
    </p>
  );
}

export function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
