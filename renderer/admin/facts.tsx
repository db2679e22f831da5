import type { ReactNode } from 'react';

/** A definition list of label/value facts; each value gets `data-testid` for the tests. */
export function Facts({ rows }: { rows: [label: string, value: ReactNode, testId: string][] }) {
  return (
    <dl className="facts">
      {rows.map(([label, value, testId]) => (
        <div key={testId} className="fact">
          <dt>{label}</dt>
          <dd data-testid={testId}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
