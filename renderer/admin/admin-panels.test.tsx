import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { KioskProvider } from '../api/kiosk-context';
import type { KioskClient } from '../api/kiosk-client';
import { I18nProvider } from '../i18n/i18n-context';
import { sampleAdminStatus } from '../test-support/sample-admin-status';
import { EnrolPanel } from './enrol-panel';
import { HopperPanel } from './hopper-panel';
import { LogPanel } from './log-panel';
import { SyncPanel } from './sync-panel';
import { SystemPanel } from './system-panel';
import type { AdminActions } from './use-admin-action';

const actions: AdminActions = { outcome: null, run: async () => true };

function render(node: ReactNode, lang: 'en' | 'es' = 'en'): string {
  const client = { api: {}, getSnapshot: () => ({ status: 'open', state: null }), subscribe: () => () => undefined, close: () => undefined } as unknown as KioskClient;
  return renderToStaticMarkup(
    <KioskProvider client={client}>
      <I18nProvider initial={lang}>{node}</I18nProvider>
    </KioskProvider>,
  );
}

describe('admin panels', () => {
  it('shows the hopper identity, faults and coin counts', () => {
    const html = render(<HopperPanel status={sampleAdminStatus()} actions={actions} />);
    expect(html).toContain('SUZOHAPP Flow #1234567');
    expect(html).toMatch(/data-testid="coins-held">380</);
    expect(html).toMatch(/data-testid="coins-reserved">20</);
    expect(html).toMatch(/data-testid="hopper-faults">none</);
  });

  it('shows each in-doubt payout with the counters it will be settled against', () => {
    const in_doubt = [{ intent_id: 'i1', job_id: 'j1', coins: 12, created_at: '2026-01-01T10:00:00.000Z', event_counter_before: 41, dispense_count_before: 900, hopper_serial: 345678 }];
    const html = render(<HopperPanel status={sampleAdminStatus({ in_doubt })} actions={actions} />);
    expect(html).toContain('12 coins asked');
    expect(html).toContain('event 41, dispensed 900');
    expect(html).not.toMatch(/data-testid="admin-settle"[^>]*disabled/);
  });

  it('disables settling when nothing is in doubt', () => {
    expect(render(<HopperPanel status={sampleAdminStatus()} actions={actions} />)).toMatch(/disabled=""[^>]*data-testid="admin-settle"|data-testid="admin-settle"[^>]*disabled=""/);
  });

  it('shows sync depth, never-synced and the cloud url', () => {
    const html = render(<SyncPanel status={sampleAdminStatus()} actions={actions} />);
    expect(html).toMatch(/data-testid="outbox-depth">3</);
    expect(html).toMatch(/data-testid="last-sync">never</);
    expect(html).toContain('https://cloud.example.test');
  });

  it('shows enrolment, log lines and the software build', () => {
    expect(render(<EnrolPanel status={sampleAdminStatus()} actions={actions} />)).toContain('01937a4e-7b1c-7000-8000-0000000000aa');
    expect(render(<LogPanel status={sampleAdminStatus()} />)).toContain('cloud not reachable');
    expect(render(<SystemPanel status={sampleAdminStatus()} actions={actions} maintenance={false} />)).toContain('abc1234');
  });

  it('speaks Spanish when the kiosk is in Spanish', () => {
    expect(render(<SyncPanel status={sampleAdminStatus()} actions={actions} />, 'es')).toContain('Sincronizar ahora');
    expect(render(<SystemPanel status={sampleAdminStatus()} actions={actions} maintenance />, 'es')).toContain('Terminar mantenimiento');
  });
});
