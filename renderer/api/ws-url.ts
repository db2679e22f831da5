import { KIOSK_API_WS_PATH } from '../../contract/kiosk-api';

/** The per-start token the core put in the page URL (`?token=`); null when absent. */
export function tokenFromSearch(search: string): string | null {
  const token = new URLSearchParams(search).get('token');
  return token && token.length > 0 ? token : null;
}

/** ws(s)://<host>/kiosk-api?token=… for the page's own origin (browser mode, loopback core). */
export function kioskWsUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = tokenFromSearch(location.search) ?? '';
  return `${scheme}://${location.host}${KIOSK_API_WS_PATH}?token=${encodeURIComponent(token)}`;
}
