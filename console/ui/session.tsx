import { createContext, useContext, type ReactNode } from 'react';
import type { ConsoleApi } from '../api/client';
import { roleAtLeast, type OperatorRole, type OperatorView } from '../api/schemas';

export interface ConsoleSession {
  api: ConsoleApi;
  operator: OperatorView;
  logout(): void;
}

const Ctx = createContext<ConsoleSession | null>(null);

export function SessionProvider({ value, children }: { value: ConsoleSession; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): ConsoleSession {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/**
 * Children only when the operator's role reaches `role` (issue 17: viewer < operator < admin): a viewer
 * sees no write buttons. The cloud refuses the write anyway (403 forbidden_role).
 */
export function RoleGate({ role, children }: { role: OperatorRole; children: ReactNode }) {
  const { operator } = useSession();
  return roleAtLeast(operator.role, role) ? <>{children}</> : null;
}
