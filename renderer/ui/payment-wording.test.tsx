import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { checkAmount } from '../../contract/amount-rules';
import type { KioskState } from '../../contract/kiosk-api';
import { KioskProvider } from '../api/kiosk-context';
import type { KioskClient } from '../api/kiosk-client';
import { QuoteSummary } from '../features/amount/quote-summary';
import { I18nProvider } from '../i18n/i18n-context';
import { ScreenRouter } from '../screen-router';
import { sampleFlows, sampleState } from '../test-support/sample-state';

type Mode = KioskState['payment_mode'];

function render(state: KioskState, lang: 'en' | 'es', node: ReactNode): string {
  const client = { api: {}, getSnapshot: () => ({ status: 'open', state }), subscribe: () => () => undefined, close: () => undefined } as unknown as KioskClient;
  return renderToStaticMarkup(
    <KioskProvider client={client}>
      <I18nProvider initial={lang}>{node}</I18nProvider>
    </KioskProvider>,
  );
}
/** The scan screen (its instruction and the transaction summary) as the router shows it. */
const scan = (mode: Mode, lang: 'en' | 'es' = 'en') => {
  const state = sampleState({ flow: sampleFlows.scan, payment_mode: mode });
  return render(state, lang, <ScreenRouter state={state} />);
};
/** The amount screen's live quote for $10 (fee $0.50 + 1 %). */
const quote = (mode: Mode, lang: 'en' | 'es' = 'en') => {
  const state = sampleState({ payment_mode: mode });
  return render(state, lang, <QuoteSummary check={checkAmount(1000, { min_cents: 100, max_cents: 5000, fee: state.fee })} />);
};

describe('payment wording (issue 14: the kiosk never says "You pay" or "then pay" when nobody pays)', () => {
  it('world_app: "You pay" with the total and "then pay" on the scan screen, in English and Spanish', () => {
    expect(quote('world_app')).toMatch(/<dt>You pay<\/dt><dd data-testid="quote-total" class="quote-total">\$10\.60<\/dd>/);
    expect(scan('world_app')).toContain('You will confirm you are a unique human, then pay.');
    expect(scan('world_app')).toMatch(/<dt>You pay<\/dt><dd>\$10\.60<\/dd>/);
    expect(quote('world_app', 'es')).toContain('<dt>Usted paga</dt>');
    expect(scan('world_app', 'es')).toContain('y luego pagará.');
  });

  it('none: the total reads free, paid by the operator, and the scan screen only asks to confirm a unique human', () => {
    for (const html of [quote('none'), scan('none')]) {
      expect(html).toContain('<dt>Total</dt>');
      expect(html).toContain('Free — paid by the operator');
      expect(html).not.toMatch(/You pay|then pay|\$10\.60/);
    }
    expect(scan('none')).toContain('scan this code to confirm you are a unique human.</p>');
    for (const html of [quote('none', 'es'), scan('none', 'es')]) {
      expect(html).toContain('Gratis — lo paga el operador');
      expect(html).not.toMatch(/Usted paga|luego pagará/);
    }
    expect(scan('none', 'es')).toContain('para confirmar que es un humano único.</p>');
  });

  it('before the kiosk has heard the mode: the neutral "Total" with the amount, and no "then pay"', () => {
    expect(quote(null)).toMatch(/<dt>Total<\/dt><dd data-testid="quote-total" class="quote-total">\$10\.60<\/dd>/);
    expect(scan(null)).toMatch(/<dt>Total<\/dt><dd>\$10\.60<\/dd>/);
    expect(scan(null)).not.toMatch(/You pay|then pay|Free/);
  });
});
