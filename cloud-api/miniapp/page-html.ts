import { createHash } from 'node:crypto';

/**
 * The mini app payment page served at `/miniapp/pay/{transaction}` (world-id.md "Payment in World App").
 * No inline script and no external origin: the page loads one same-origin bundle (MINIAPP_SCRIPT_PATH),
 * and its only inline part is a fixed stylesheet allowed by hash in the CSP. Every value placed in the
 * HTML is escaped; nothing secret is ever passed in (the app id is public).
 */
export const MINIAPP_PAY_PREFIX = '/miniapp/pay/';
export const MINIAPP_SCRIPT_PATH = '/miniapp/assets/pay.js';

export interface MiniappPageOptions {
  /** World ID / mini app id, public (MiniKit.install). */
  appId: string;
  /** Cloud API origin + prefix; '' (default) for same-origin. */
  apiBase?: string;
  scriptPath?: string;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:24px;background:#fafafa;color:#111}
main{max-width:28rem;margin:0 auto}h1{font-size:1.4rem}#status{font-size:1.1rem;line-height:1.5}
#status[data-kind=error],#status[data-kind=outside_world_app]{color:#a40000}#status[data-kind=paid]{color:#006b2d}`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

/** Security headers for the page: only same-origin script and fetches, no framing by other sites. */
export function miniappPageHeaders(opts: Pick<MiniappPageOptions, 'apiBase'> = {}): Record<string, string> {
  const connect = ["'self'", opts.apiBase ? new URL(opts.apiBase).origin : ''].filter(Boolean).join(' ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    // No framing by any site (clickjacking the pay button): CSP for current browsers, X-Frame-Options for old ones.
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src '${STYLE_HASH}'; connect-src ${connect}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}

export function miniappPageHtml(transactionId: string, opts: MiniappPageOptions): string {
  const script = escapeHtml(opts.scriptPath ?? MINIAPP_SCRIPT_PATH);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RoluATM payment</title>
<style>${STYLE}</style>
</head>
<body>
<main id="rolu-pay" data-transaction-id="${escapeHtml(transactionId)}" data-app-id="${escapeHtml(opts.appId)}" data-api-base="${escapeHtml(opts.apiBase ?? '')}">
<h1>Pay for your cash-out</h1>
<p id="status" data-kind="loading" role="status" aria-live="polite">Loading the payment…</p>
<noscript><p>This page needs JavaScript. Open it in World App.</p></noscript>
</main>
<script src="${script}" defer></script>
</body>
</html>
`;
}
