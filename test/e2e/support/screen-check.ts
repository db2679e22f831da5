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
