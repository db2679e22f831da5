import { useCallback, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** The outcome line every admin action shows: working, done (one sentence) or failed (the core's message). */
export type ActionOutcome = { kind: 'working'; text: string } | { kind: 'ok' | 'error'; text: string; code?: string };

export interface AdminActions {
  outcome: ActionOutcome | null;
  /** Runs one admin command; `describe` turns its value into the sentence shown. Resolves true on success. */
  run<T>(call: () => Promise<Reply<T>>, describe: (value: T) => string): Promise<boolean>;
}

export function useAdminActions(afterEach: () => Promise<void>): AdminActions {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const run = useCallback(
    async <T,>(call: () => Promise<Reply<T>>, describe: (value: T) => string): Promise<boolean> => {
      setOutcome({ kind: 'working', text: t('admin.working') });
      const reply = await call();
      if (reply.ok) setOutcome({ kind: 'ok', text: describe(reply.value) });
      else setOutcome({ kind: 'error', text: t('admin.failed', { message: reply.error.message }), code: reply.error.code });
      await afterEach();
      return reply.ok;
    },
    [t, afterEach],
  );
  return { outcome, run };
}
