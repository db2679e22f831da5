import { useEffect, useState } from 'react';

/**
 * Hash routes (#/fleet, #/kiosks/<id>, #/transactions?receipt_code=…): the cloud serves one page at
 * /console/, so the path after `#` is the console's own and a reload keeps the page and its filters.
 */
export type Route =
  | { page: 'fleet' }
  | { page: 'kiosk'; id: string }
  | { page: 'transactions'; query: Record<string, string> }
  | { page: 'transaction'; id: string }
  | { page: 'attention' }
  | { page: 'credits' }
  | { page: 'reconciliation'; query: Record<string, string> }
  | { page: 'webhooks' }
  | { page: 'audit' }
  | { page: 'account' }
  | { page: 'operators' }
  | { page: 'not_found'; path: string };

export const NAV: Array<{ page: Route['page']; href: string; label: string; admin?: boolean }> = [
  { page: 'fleet', href: '#/fleet', label: 'Fleet' },
  { page: 'transactions', href: '#/transactions', label: 'Transactions' },
  { page: 'attention', href: '#/attention', label: 'Attention' },
  { page: 'credits', href: '#/credits', label: 'Credits' },
  { page: 'reconciliation', href: '#/reconciliation', label: 'Reconciliation' },
  { page: 'webhooks', href: '#/webhooks', label: 'Webhooks' },
  { page: 'audit', href: '#/audit', label: 'Audit' },
  { page: 'operators', href: '#/operators', label: 'Operators', admin: true },
];

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/fleet';
  const [path = '', qs = ''] = raw.split('?', 2);
  const query = Object.fromEntries(new URLSearchParams(qs));
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  if (parts.length === 1) {
    if (head === 'fleet' || head === 'attention' || head === 'credits' || head === 'webhooks' || head === 'audit' || head === 'account' || head === 'operators') return { page: head };
    if (head === 'transactions' || head === 'reconciliation') return { page: head, query };
  }
  if (parts.length === 2 && id) {
    if (head === 'kiosks') return { page: 'kiosk', id };
    if (head === 'transactions') return { page: 'transaction', id };
  }
  return { page: 'not_found', path };
}

export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
