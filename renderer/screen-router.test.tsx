import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlowState, KioskState } from '../contract/kiosk-api';
import { KioskProvider } from './api/kiosk-context';
import type { KioskClient } from './api/kiosk-client';
import { I18nProvider } from './i18n/i18n-context';
import { ScreenRouter } from './screen-router';
import { CustomerSessionProvider, type Phase } from './session/customer-session';
import { sampleFlows, sampleState } from './test-support/sample-state';

/** Renders to HTML with a client whose calls are never made (server rendering runs no effects or clicks). */
function render(state: KioskState | null, lang: 'en' | 'es' = 'en', phase: Phase = 'welcome'): string {
  const client = { api: {}, getSnapshot: () => ({ status: 'open', state }), subscribe: () => () => undefined, close: () => undefined } as unknown as KioskClient;
  return renderToStaticMarkup(
    <KioskProvider client={client}>
      <I18nProvider initial={lang}>
        <CustomerSessionProvider screen={state?.flow.screen ?? null} initialPhase={phase}>
          <ScreenRouter state={state} />
        </CustomerSessionProvider>
      </I18nProvider>
    </KioskProvider>,
  );
}
const withFlow = (flow: FlowState, patch: Partial<KioskState> = {}) => sampleState({ flow, ...patch });

describe('ScreenRouter', () => {
  it('renders each flow screen with its screen-<name> test id', () => {
    for (const flow of Object.values(sampleFlows)) expect(render(withFlow(flow), 'en', 'amount')).toContain(`data-testid="screen-${flow.screen}"`);
  });

  it('opens on the welcome screen when idle, and shows the amount screen once the customer has started (issue 16)', () => {
    const welcome = render(sampleState());
    expect(welcome).toContain('data-testid="screen-welcome"');
    expect(welcome).toContain('data-testid="welcome-cash-out"');
    expect(welcome).not.toContain('data-testid="preset-');
    expect(render(sampleState(), 'en', 'amount')).toContain('data-testid="screen-idle"');
  });

  it('shows the connecting screen while there is no state', () => {
    expect(render(null)).toContain('data-testid="screen-connecting"');
  });

  it('shows out of service instead of the amount screen, but not over a payout under way', () => {
    const idle = render(sampleState({ out_of_service: 'empty' }));
    expect(idle).toContain('data-testid="screen-out-of-service"');
    expect(idle).toContain('run out of coins');
    expect(render(withFlow(sampleFlows.dispensing, { out_of_service: 'offline' }))).toContain('data-testid="screen-dispensing"');
  });

  it('offers the configured presets and a cash-out button on the idle screen', () => {
    const html = render(sampleState(), 'en', 'amount');
    for (const p of [500, 1000, 2000, 4000]) expect(html).toContain(`data-testid="preset-${p}"`);
    expect(html).toContain('data-testid="cash-out"');
  });

  it('renders the QR as an image carrying the connector URI, linked to the demo phone only in demo mode', () => {
    const plain = render(withFlow(sampleFlows.scan));
    expect(plain).toMatch(/<img[^>]*data-testid="qr"[^>]*data-connector-uri="https:\/\/world.org\/verify\?t=wld&amp;i=abc&amp;k=key"/);
    expect(plain).not.toContain('demo-phone-link');
    expect(plain).not.toContain('demo-connector-uri');
    const demo = render(withFlow(sampleFlows.scan, { demo_phone_url: 'http://127.0.0.1:4200/phone' }));
    expect(demo).toContain(`href="http://127.0.0.1:4200/phone?uri=${encodeURIComponent(sampleFlows.scan.connector_uri).replace(/&/g, '&amp;')}"`);
    expect(demo).toContain('target="_blank"');
    expect(demo).toMatch(/<input[^>]*data-testid="demo-connector-uri"[^>]*value="https:\/\/world.org\/verify\?t=wld&amp;i=abc&amp;k=key"/);
    expect(demo).toContain('data-testid="cancel"');
  });

  it('shows coins paid, receipt code and coins owed with their test ids; the error code only as a data attribute', () => {
    expect(render(withFlow(sampleFlows.dispensing))).toContain('<span data-testid="coins-paid">17</span>');
    const done = render(withFlow(sampleFlows.done));
    expect(done).toContain('data-testid="receipt-code">K7Q-4XZ<');
    expect(done).toContain('<span data-testid="coins-paid">40</span>');
    expect(done).toContain('data-testid="dismiss"');
    const error = render(withFlow(sampleFlows.error));
    expect(error).toContain('data-error-code="hopper_jam"');
    expect(error).not.toContain('>hopper_jam<');
    expect(error).not.toContain(sampleFlows.error.transaction_id);
    expect(error).toContain('Still owed to you: 23 quarters ($5.75)');
    expect(error).toContain('data-testid="dismiss"');
  });

  it('says what is still owed, where to collect it, the coins paid so far and the receipt code (issue 15)', () => {
    const error = render(withFlow(sampleFlows.error));
    expect(error).toContain('Collect them at any RoluATM');
    expect(error).toContain('data-testid="receipt-code">K7Q-4XZ<');
    expect(error).toContain('Paid so far: 17 quarters ($4.25)');
    expect(render(withFlow(sampleFlows.error), 'es')).toContain('Cóbrelas en cualquier RoluATM');
    expect(render(withFlow(sampleFlows.done))).not.toContain('data-testid="coins-owed"');
    const short = render(withFlow({ ...sampleFlows.done, coins_owed: 12 }));
    expect(short).toContain('Still owed to you: 12 quarters ($3.00)');
    const nothing = render(withFlow({ ...sampleFlows.error, coins_owed: null, coins_paid: null, receipt_code: null }));
    expect(nothing).not.toContain('data-testid="coins-owed"');
    expect(nothing).not.toContain('data-testid="receipt-code"');
  });

  it('words the collect flow: scan to collect, the coins found, nothing owed with a way back', () => {
    const scan = render(withFlow({ ...sampleFlows.scan, kind: 'claim', amount_cents: 0, fee_cents: 0, total_cents: 0, coins: 0 }));
    expect(scan).toContain('the coins you are owed come out here');
    expect(scan).not.toContain('data-testid="tx-summary"');
    const collecting = render(withFlow(sampleFlows.collecting));
    expect(collecting).toContain('We owe you 28 quarters ($7.00)');
    expect(collecting).toContain('12 quarters ($3.00) stay owed to you');
    const nothing = render(withFlow(sampleFlows.nothing_owed));
    expect(nothing).toContain('No coins are owed to this World ID');
    expect(nothing).toContain('data-testid="dismiss"');
    const confirming = render(withFlow(sampleFlows.confirming_payment));
    expect(confirming).toContain('Confirming your payment');
    expect(confirming).not.toContain('data-testid="cancel"');
  });

  it('offers "More time" beside Cancel only in the last 20 s of a scan or pay countdown with taps left (issue 16)', () => {
    const inSec = (sec: number) => new Date(Date.now() + sec * 1000).toISOString();
    for (const base of [sampleFlows.scan, sampleFlows.waiting_payment]) {
      const near = render(withFlow({ ...base, expires_at: inSec(15), extensions_left: 1 }));
      expect(near).toContain('data-testid="more-time"');
      expect(near).toContain('Need more time?');
      expect(near).toContain('data-testid="cancel"');
      expect(near).not.toContain('data-testid="hurry"');
      const used = render(withFlow({ ...base, expires_at: inSec(15), extensions_left: 0 }));
      expect(used).not.toContain('data-testid="more-time"');
      expect(used).toContain('data-testid="hurry"');
      expect(render(withFlow({ ...base, expires_at: inSec(90), extensions_left: 2 }))).not.toContain('data-testid="more-time"');
      expect(render(withFlow({ ...base, expires_at: inSec(15), extensions_left: 1 }), 'es')).toContain('Más tiempo');
    }
  });

  it('speaks Spanish when the language is Spanish', () => {
    expect(render(withFlow(sampleFlows.done), 'es')).toContain('Retire sus monedas');
  });

  describe('the daily limit error says when the limit resets, in the zone the cloud counts the day in', () => {
    afterEach(() => vi.useRealTimers());
    const limit = (zone: string | null) => withFlow({ ...sampleFlows.error, error: { code: 'limit_reached', message: 'log' }, coins_owed: null, coins_paid: null }, { day_time_zone: zone });
    it('is the next midnight in that zone, shown with the zone (Bogotá is still on the 2nd at 02:00 UTC on the 3rd)', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-12-03T02:00:00.000Z'));
      expect(render(limit('America/Bogota'))).toContain('The limit resets at 12:00 AM GMT-5.');
      expect(render(limit('America/Bogota'), 'es')).toContain('El límite se renueva a las 0:00 GMT-5.');
      expect(render(limit('UTC'))).toContain('The limit resets at 12:00 AM UTC.');
      // Before first contact (or from an older cloud): UTC, the cloud's default.
      expect(render(limit(null))).toContain('The limit resets at 12:00 AM UTC.');
    });
  });
});
