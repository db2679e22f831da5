import { isIP } from 'node:net';

/**
 * Which webhook URLs the cloud accepts (issue 17), beyond the contract's "http:// or https://":
 * - no user name or password in the URL (the list shows URLs to every viewer; authenticate with the signature);
 * - in production (NODE_ENV=production) https only, except plain http to this machine (localhost, 127.0.0.0/8, ::1),
 *   so alert bodies never cross a network unencrypted.
 * Returns what is wrong, in words for the console, or undefined when the URL is acceptable.
 */
export function webhookUrlProblem(raw: string, o: { production: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url: not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url: must be an http:// or https:// URL';
  if (url.username || url.password) return 'url: must not contain a user name or password (receivers check the X-RoluATM-Signature instead)';
  if (o.production && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return 'url: must be https:// in production (plain http:// only to this machine: localhost, 127.0.0.1 or [::1])';
  }
  return undefined;
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return isIP(h) === 6 && h === '::1';
}
