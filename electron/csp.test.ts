import { describe, expect, it } from 'vitest';
import { checkIndexHtmlCsp, cspProblems, extractCspMeta, KIOSK_CSP } from './csp';

const page = (meta: string, scriptFirst = false) =>
  scriptFirst
    ? `<html><head><script type="module" src="./a.js"></script>${meta}</head></html>`
    : `<html><head><meta charset="utf-8">${meta}<script type="module" src="./a.js"></script></head></html>`;

describe('kiosk CSP check', () => {
  it('passes the policy the kiosk recommends', () => {
    expect(cspProblems(KIOSK_CSP)).toEqual([]);
  });

  it.each([
    ["script-src 'self' 'unsafe-inline'", /script-src allows 'unsafe-inline'/],
    ["default-src 'self'; script-src 'self' 'unsafe-eval'", /script-src allows 'unsafe-eval'/],
    ["default-src 'self'; script-src https://cdn.example", /script-src allows https:\/\/cdn.example/],
    ["default-src *", /default-src allows more than 'self'/],
    ["default-src 'self'; connect-src 'self' ws: wss:", /connect-src reaches beyond this machine: ws: wss:/],
    ["default-src 'self'; connect-src https://exfil.example", /connect-src reaches beyond/],
    ["default-src 'self'; object-src *", /object-src/],
    ["img-src 'self'", /default-src is missing/],
  ])('finds the weakness in %s', (policy, problem) => {
    expect(cspProblems(policy).join('\n')).toMatch(problem);
  });

  it('keeps the first of two repeated directives, as browsers do', () => {
    expect(cspProblems("default-src 'self'; script-src 'self'; script-src 'unsafe-inline'")).toEqual([]);
  });

  it('reads the meta whatever the attribute order and quoting', () => {
    expect(extractCspMeta(page(`<meta content="default-src 'self'" http-equiv="content-security-policy">`))).toBe("default-src 'self'");
    expect(extractCspMeta(page(`<meta http-equiv=Content-Security-Policy content='default-src &#39;none&#39;'>`))).toBe("default-src 'none'");
  });

  it('ignores a CSP meta that comes after the first script, since it would not cover it', () => {
    expect(extractCspMeta(page(`<meta http-equiv="Content-Security-Policy" content="${KIOSK_CSP}">`, true))).toBeNull();
    expect(checkIndexHtmlCsp(page('', false))).toEqual(['no Content-Security-Policy <meta> before the first <script>']);
  });

  it('accepts a page carrying the kiosk policy', () => {
    expect(checkIndexHtmlCsp(page(`<meta http-equiv="Content-Security-Policy" content="${KIOSK_CSP}">`))).toEqual([]);
  });

});
