import { chromium } from '@playwright/test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { sampleState } from '../../renderer/test-support/sample-state';
import { startScriptedCore } from '../e2e/support/scripted-core';
import { emit, percentile, round } from './figure';

/**
 * renderer_js_gzip_kb: gzip size of the renderer's JS as built for the kiosk (issue 6 target ≤ 350).
 *   Baseline: React + ReactDOM alone (an entry that only mounts one <div>), built by the same Vite.
 * renderer_first_paint_ms: first-contentful-paint of the kiosk page in Chromium here, served by the
 *   real UI server (median of RUNS fresh contexts). Baseline: a page with one line of text, same server.
 */
const RUNS = 9;
// Under node_modules/.cache so the React-only entry resolves 'react' like the app does (not a tracked folder).
mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const work = mkdtempSync(join(resolve('node_modules/.cache'), 'bench-renderer-'));

function jsGzipKb(outDir: string): number {
  const assets = join(outDir, 'assets');
  const bytes = readdirSync(assets).filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  return bytes / 1024;
}

async function buildApp(): Promise<string> {
  const outDir = join(work, 'app');
  await build({ configFile: resolve('renderer/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

async function buildReactOnly(): Promise<string> {
  const src = join(work, 'react-only');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="./main.js"></script>');
  writeFileSync(join(src, 'main.js'), "import { createElement } from 'react';\nimport { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')).render(createElement('div', null, 'hello'));\n");
  const outDir = join(src, 'dist');
  await build({ root: src, configFile: false, logLevel: 'silent', base: './', build: { outDir, emptyOutDir: true } });
  return outDir;
}

async function firstPaints(url: string): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const samples: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 800, height: 480 } });
      const page = await context.newPage();
      await page.goto(url);
      const fcp = await page.waitForFunction(() => {
        const entry = performance.getEntriesByName('first-contentful-paint')[0];
        return entry ? entry.startTime : null;
      });
      samples.push(Number(await fcp.jsonValue()));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return samples;
}

try {
  const appDir = await buildApp();
  const reactDir = await buildReactOnly();
  const appKb = jsGzipKb(appDir);
  const reactKb = jsGzipKb(reactDir);
  emit({
    name: 'renderer_js_gzip_kb',
    value: round(appKb, 1),
    unit: 'KiB',
    baseline: { name: 'react_and_react_dom_only_gzip_kb', value: round(reactKb, 1) },
    target: '<= 350',
    detail: { gzip_level: 9, files: readdirSync(join(appDir, 'assets')).filter((f) => f.endsWith('.js')).length },
  });

  writeFileSync(join(appDir, 'blank.html'), '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body><p>.</p></body></html>');
  const core = await startScriptedCore(sampleState(), appDir);
  try {
    const page = new URL(core.url);
    const blank = `${page.origin}/blank.html`;
    const app = await firstPaints(core.url);
    const base = await firstPaints(blank);
    emit({
      name: 'renderer_first_paint_ms',
      value: round(percentile(app, 50), 1),
      unit: 'ms',
      baseline: { name: 'blank_page_first_paint_ms', value: round(percentile(base, 50), 1) },
      detail: { runs: RUNS, p90_ms: round(percentile(app, 90), 1), viewport: '800x480', browser: 'chromium (Debian), headless' },
    });
  } finally {
    await core.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
