import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { KioskState } from '../../../contract/kiosk-api';
import { KioskProvider } from '../../api/kiosk-context';
import type { KioskClient } from '../../api/kiosk-client';
import { I18nProvider } from '../../i18n/i18n-context';
import { sampleState } from '../../test-support/sample-state';
import { AmountScreen } from './amount-screen';

/** Server-rendered amount screen (no effects or clicks run): what the customer first sees. */
function render(state: KioskState): string {
  const client = { api: {}, getSnapshot: () => ({ status: 'open', state }), subscribe: () => () => undefined, close: () => undefined } as unknown as KioskClient;
  return renderToStaticMarkup(
    <KioskProvider client={client}>
      <I18nProvider initial="en">
        <AmountScreen state={state} />
      </I18nProvider>
    </KioskProvider>,
  );
}
const presetTag = (html: string, cents: number) => html.match(new RegExp(`<button[^>]*data-testid="preset-${cents}"[^>]*>`))?.[0] ?? '';

describe('AmountScreen', () => {
  it('judges presets by the free coins, not the whole inventory: coins reserved by an open transaction are not offered', () => {
    // 100 quarters in the hopper, 40 promised to an open transaction: 60 free ($15).
    const html = render(sampleState({ hopper: { ...sampleState().hopper, coins_available: 100 }, free_coins: 60, fee: { flat_cents: 0, bps: 0 } }));
    expect(presetTag(html, 2000)).toContain('disabled');
    expect(presetTag(html, 2000)).toContain('aria-describedby="preset-refusal"');
    expect(presetTag(html, 1000)).not.toContain('disabled');
    expect(html).toMatch(/data-testid="preset-refusal"[^>]*>This kiosk has only 60 quarters \(\$15\.00\) left/);
  });

  it('offers every preset and shows no refusal when the free coins cover them', () => {
    const html = render(sampleState({ free_coins: 400 }));
    for (const p of [500, 1000, 2000, 4000]) expect(presetTag(html, p)).not.toContain('disabled');
    expect(html).not.toContain('preset-refusal');
  });
});
