import { describe, expect, it } from 'vitest';
import { bundleMiniappScript } from './bundle';
import { escapeHtml, MINIAPP_SCRIPT_PATH, miniappPageHeaders, miniappPageHtml } from './page-html';

const ID = '0192f0aa-0000-7000-8000-000000000001';

describe('miniappPageHtml', () => {
  it('puts the transaction id and app id in data attributes and loads only the same-origin bundle', () => {
    const html = miniappPageHtml(ID, { appId: 'app_staging_roluatm0sim' });
    expect(html).toContain(`data-transaction-id="${ID}"`);
    expect(html).toContain('data-app-id="app_staging_roluatm0sim"');
    expect(html).toContain(`<script src="${MINIAPP_SCRIPT_PATH}" defer></script>`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/https?:\/\//);
  });

  const hostile = [
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '</main><img src=x onerror=alert(1)>',
    '`${alert(1)}`',
    '&lt;script&gt;',
    'a=b "c" <d> \'e\' &f',
  ];
  for (const id of hostile) {
    it(`escapes a hostile id so it cannot leave its attribute: ${id}`, () => {
      const html = miniappPageHtml(id, { appId: id, apiBase: id });
      const attrs = /<main id="rolu-pay" ([^>]*)>/.exec(html)?.[1] ?? '';
      expect(attrs).not.toMatch(/[<>'`]/);
      expect(attrs.match(/"/g)).toHaveLength(6);
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).not.toContain(id.includes('<') ? id : '\u0000');
    });
  }

  it('escapes every character that can end an attribute or open a tag', () => {
    expect(escapeHtml(`<>&"'\`=`)).toBe('&#60;&#62;&#38;&#34;&#39;&#96;&#61;');
  });

  it('carries no secret: only the public app id and paths appear', () => {
    const html = miniappPageHtml(ID, { appId: 'app_x', apiBase: '' });
    expect(html).not.toMatch(/api_[A-Za-z0-9]|Bearer|DEV_PORTAL|secret|token=/i);
  });
});

describe('miniappPageHeaders', () => {
  it('allow only same-origin script and fetches, plus the configured API origin', () => {
    const csp = miniappPageHeaders({ apiBase: 'https://api.example.test/base' })['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://api.example.test");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('bundleMiniappScript', () => {
  it('bundles MiniKit and the page into one script that loads nothing from other origins', async () => {
    const js = await bundleMiniappScript();
    expect(js.length).toBeGreaterThan(10_000);
    expect(js.length).toBeLessThan(150_000);
    expect(js).toContain('miniapp-payment');
    expect(js).not.toMatch(/\bimport\s*\(|\bimport\s+[{*\w]/);
    expect(js).not.toMatch(/<script|cdn\.|unpkg|jsdelivr/);
  });
});
