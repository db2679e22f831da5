/**
 * Content Security Policy for the kiosk page.
 *
 * Rule: the page is loaded over file://, where `session.webRequest.onHeadersReceived` never runs,
 * so a CSP header cannot be added there. The policy therefore lives in a
 * `<meta http-equiv="Content-Security-Policy">` in dist-renderer/index.html, placed before any
 * script, and this module checks it: at build time (`build:electron --check-renderer` fails the
 * `dist` build) and at start-up (logged as an error). The same meta also protects browser mode.
 */

/** The policy the renderer's index.html should carry (loopback WebSocket allowed for browser mode). */
export const KIOSK_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
].join('; ');

export type CspDirectives = Map<string, string[]>;

export function parseCsp(policy: string): CspDirectives {
  const out: CspDirectives = new Map();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter((t) => t.length > 0);
    const name = tokens.shift()?.toLowerCase();
    // CSP3 §2.2.1: a repeated directive is ignored; the first one wins.
    if (name !== undefined && !out.has(name)) out.set(name, tokens.map((t) => t.toLowerCase()));
  }
  return out;
}

/** Sources a script may never come from on the kiosk. */
function badScriptSource(src: string): boolean {
  if (src === "'self'" || src === "'none'" || src === "'strict-dynamic'") return false;
  if (/^'(sha256|sha384|sha512|nonce)-[A-Za-z0-9+/=_-]+'$/i.test(src)) return false;
  return true; // 'unsafe-inline', 'unsafe-eval', 'wasm-unsafe-eval', *, schemes, hosts
}

function loopbackOnly(src: string): boolean {
  if (src === "'self'" || src === "'none'") return true;
  return /^(ws|wss|http|https):\/\/(127\.0\.0\.1|localhost|\[::1\])(:(\d+|\*))?\/?$/.test(src);
}

/** Lists what makes a policy weaker than the kiosk needs; empty means it passes. */
export function cspProblems(policy: string): string[] {
  const d = parseCsp(policy);
  const problems: string[] = [];
  const def = d.get('default-src');
  if (def === undefined) problems.push('default-src is missing');
  else if (def.some((s) => s !== "'self'" && s !== "'none'")) problems.push(`default-src allows more than 'self': ${def.join(' ')}`);
  const script = d.get('script-src') ?? def ?? [];
  const badScripts = script.filter(badScriptSource);
  if (badScripts.length > 0) problems.push(`script-src allows ${badScripts.join(' ')}`);
  const connect = d.get('connect-src') ?? def ?? [];
  const remote = connect.filter((s) => !loopbackOnly(s));
  if (remote.length > 0) problems.push(`connect-src reaches beyond this machine: ${remote.join(' ')}`);
  const object = d.get('object-src') ?? def ?? [];
  const objectOk = object.length === 1 && (object[0] === "'none'" || object[0] === "'self'");
  if (!objectOk) problems.push(`object-src must be 'none' or 'self': ${object.join(' ')}`);
  return problems;
}

/**
 * Finds the CSP meta in an HTML document. Returns null when there is none, or when it comes after
 * the first <script> (a meta CSP only covers what follows it).
 */
export function extractCspMeta(html: string): string | null {
  const metaRe = /<meta\b[^>]*>/gi;
  const firstScript = html.search(/<script\b/i);
  for (const m of html.matchAll(metaRe)) {
    const tag = m[0];
    const equiv = /http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag);
    if (!equiv) continue;
    if (firstScript !== -1 && (m.index ?? 0) > firstScript) return null;
    const content = /content\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    return content ? (content[1] ?? content[2] ?? '').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"') : null;
  }
  return null;
}

/** The whole check for an index.html: problems found, empty when the page is protected. */
export function checkIndexHtmlCsp(html: string): string[] {
  const policy = extractCspMeta(html);
  if (policy === null) return ['no Content-Security-Policy <meta> before the first <script>'];
  return cspProblems(policy);
}
