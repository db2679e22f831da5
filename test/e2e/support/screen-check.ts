/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Every screen the e2e tests reach is kept as a screenshot artifact (test.info().outputPath) and
 * checked with axe-core in the page: no serious or critical violations (issue 6 "Done when").
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core on the current page; returns the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  // The kiosk page's CSP forbids inline scripts (so addScriptTag is refused); evaluating the source
  // through the DevTools protocol is not subject to it.
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Screenshot named `<name>-<project>.png` in the test's output folder, then the axe check. */
export async function checkScreen(page: Page, name: string): Promise<string> {
  const path = test.info().outputPath(`${name}-${test.info().project.name}.png`);
  await page.screenshot({ path });
  expect(await seriousA11yViolations(page), `accessibility of the ${name} screen`).toEqual([]);
  await expectTouchTargets(page);
  return path;
}

/** Every visible button and input is at least 48 × 48 CSS px (issue 6: touch targets ≥ 48 px). */
export async function expectTouchTargets(page: Page): Promise<void> {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, a[href]')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0 && (r.width < 47.5 || r.height < 47.5))
      .map(({ el, r }) => `${el.dataset.testid ?? el.tagName} ${Math.round(r.width)}x${Math.round(r.height)}`),
  );
  expect(small, 'touch targets smaller than 48 px').toEqual([]);
}

/** Issue 16 size rules for customer screens, at every size the tests run (800x480 and 1920x1080). */
export const CUSTOMER_SIZES = { minTargetPx: 72, minTextPx: 18, minBodyPx: 20 } as const;

/**
 * The customer screen rules of issue 16 on what is on the page now: every visible interactive element
 * at least 72 × 72 px; every visible text at least 18 px and body sentences (.sentence) at least 20 px;
 * at most one primary (yellow) action outside inert content; nothing cut off (the screen fits).
 */
export async function expectCustomerSizes(page: Page): Promise<void> {
  const report = await page.evaluate((rules) => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const name = (el: Element) => `${(el as HTMLElement).dataset.testid ?? el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
    const small = [...document.querySelectorAll('button, input, a[href], [role="button"]')]
      .filter(visible)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < rules.minTargetPx - 0.5 || r.height < rules.minTargetPx - 0.5)
      .map(({ el, r }) => `${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    const tinyText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || (node.textContent ?? '').trim() === '' || !visible(el) || el.closest('.visually-hidden, svg')) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      const min = el.closest('.sentence') ? rules.minBodyPx : rules.minTextPx;
      if (px < min - 0.01) tinyText.push(`${name(el)} "${(node.textContent ?? '').trim().slice(0, 30)}" ${px}px < ${min}px`);
    }
    const primaries = [...document.querySelectorAll('.primary')].filter((el) => visible(el) && !el.closest('[inert]')).map(name);
    const content = document.querySelector('.content');
    const overflow = content ? content.scrollHeight - content.clientHeight : 0;
    const wide = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    return { small, tinyText, primaries, overflow, wide };
  }, CUSTOMER_SIZES);
  expect(report.small, 'touch targets smaller than 72 x 72 px').toEqual([]);
  expect(report.tinyText, 'customer text smaller than 18 px (body 20 px)').toEqual([]);
  expect(report.primaries.length, `one primary action per screen: ${report.primaries.join(', ')}`).toBeLessThanOrEqual(1);
  expect(report.overflow, 'the screen fits without scrolling (nothing cut off)').toBeLessThanOrEqual(1);
  expect(report.wide, 'no sideways scrolling').toBeLessThanOrEqual(1);
}

/** checkScreen (screenshot, axe) plus the customer size rules; prints the screenshot path. */
export async function checkCustomerScreen(page: Page, name: string): Promise<string> {
  const path = await checkScreen(page, name);
  await expectCustomerSizes(page);
  console.log(`screenshot ${name}: ${path}`);
  return path;
}
