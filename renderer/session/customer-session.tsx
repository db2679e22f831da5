import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Screen } from '../../contract/kiosk-api';
import { useI18n } from '../i18n/i18n-context';

/**
 * The customer's session on the idle screen (issue 16): the welcome (attract) screen until someone
 * taps "Cash out", then the amount screen. The language chosen holds for the whole session and resets
 * when the welcome comes back: after done or an error, after Back on the amount screen, or when an
 * untouched amount screen times out. A cancel on the scan or pay screen keeps the session (and the
 * language): the customer is back on the amount screen.
 */
export type Phase = 'welcome' | 'amount';

interface CustomerSession {
  phase: Phase;
  /** "Cash out" on the welcome screen. */
  begin(): void;
  /** Back to the welcome screen for the next customer, in the default language. */
  end(): void;
}

const SessionContext = createContext<CustomerSession>({ phase: 'welcome', begin: () => undefined, end: () => undefined });

/** Screens a customer leaves with Cancel back to the amount screen, in the same session. */
const CANCELLABLE: ReadonlySet<Screen> = new Set<Screen>(['registering', 'scan', 'verifying', 'waiting_payment']);

export function CustomerSessionProvider({ screen, initialPhase = 'welcome', children }: { screen: Screen | null; initialPhase?: Phase; children: ReactNode }) {
  const { reset } = useI18n();
  const [phase, setPhase] = useState<Phase>(initialPhase);
  const previous = useRef<Screen | null>(screen);
  const begin = useCallback(() => setPhase('amount'), []);
  const end = useCallback(() => {
    setPhase('welcome');
    reset();
  }, [reset]);

  useEffect(() => {
    const before = previous.current;
    if (screen !== null) previous.current = screen;
    if (screen !== 'idle' || before === null || before === 'idle') return;
    if (CANCELLABLE.has(before)) setPhase('amount');
    else end();
  }, [screen, end]);

  const value = useMemo(() => ({ phase, begin, end }), [phase, begin, end]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useCustomerSession(): CustomerSession {
  return useContext(SessionContext);
}
