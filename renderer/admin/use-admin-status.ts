import { useCallback, useEffect, useState } from 'react';
import type { AdminStatus } from '../../contract/admin-api';
import { useKioskApi } from '../api/kiosk-context';

/**
 * The status is read when the screen opens, on every section change, after every action and on
 * Refresh — never on a timer: every admin call extends the core's session (admin-service.ts), so a
 * timer would keep an abandoned admin screen open forever instead of locking after ADMIN_SESSION_SEC.
 */

export interface AdminStatusView {
  status: AdminStatus | null;
  /** The last read's error message, null when it worked. */
  error: string | null;
  refresh(): Promise<void>;
}

export function useAdminStatus(): AdminStatusView {
  const api = useKioskApi();
  const [status, setStatus] = useState<AdminStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    const reply = await api.adminStatus({});
    if (reply.ok) {
      setStatus(reply.value);
      setError(null);
    } else {
      setError(reply.error.message);
    }
  }, [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return { status, error, refresh };
}
