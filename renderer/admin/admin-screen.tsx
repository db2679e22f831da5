import { useState } from 'react';
import type { KioskState } from '../../contract/kiosk-api';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import type { StringKey } from '../i18n/strings-en';
import { EnrolPanel } from './enrol-panel';
import { HopperPanel } from './hopper-panel';
import { LogPanel } from './log-panel';
import { SyncPanel } from './sync-panel';
import { SystemPanel } from './system-panel';
import { useAdminActions } from './use-admin-action';
import { useAdminStatus } from './use-admin-status';
import './admin.css';

const TABS = ['hopper', 'sync', 'enrol', 'log', 'system'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL: Record<Tab, StringKey> = {
  hopper: 'admin.tab_hopper', sync: 'admin.tab_sync', enrol: 'admin.tab_enrol', log: 'admin.tab_log', system: 'admin.tab_system',
};

/**
 * The technician admin screen, shown while the core has an admin session open (`admin_open`). It reads
 * adminStatus on opening, on each section change and after every action; each action's result or error is one plain
 * line under the section buttons. Works offline: everything it reads is local to the kiosk. The status
 * is re-read on demand only (use-admin-status.ts says why).
 */
export function AdminScreen({ state }: { state: KioskState }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [tab, setTab] = useState<Tab>('hopper');
  const view = useAdminStatus();
  const actions = useAdminActions(view.refresh);
  const { status } = view;
  const outcome = actions.outcome;
  return (
    <section className="screen admin-screen" data-testid="screen-admin" aria-labelledby="admin-title">
      <div className="admin-head">
        <h1 id="admin-title">{t('admin.title')}</h1>
        <nav className="admin-tabs" aria-label={t('admin.sections')}>
          {TABS.map((name) => (
            <button key={name} type="button" className="tab" data-testid={`admin-tab-${name}`} aria-pressed={tab === name}
              onClick={() => { setTab(name); void view.refresh(); }}>
              {t(TAB_LABEL[name])}
            </button>
          ))}
        </nav>
        <button type="button" className="secondary" data-testid="admin-refresh" onClick={() => void view.refresh()}>{t('admin.refresh')}</button>
        <button type="button" className="primary" data-testid="admin-lock" onClick={() => void api.adminLock({})}>{t('admin.lock')}</button>
      </div>
      <p className={`admin-outcome outcome-${outcome?.kind ?? 'none'}`} data-testid="admin-outcome" data-kind={outcome?.kind ?? 'none'}
        role={outcome?.kind === 'error' ? 'alert' : 'status'}>
        {outcome?.text ?? view.error ?? ''}
      </p>
      <div className="admin-body">
        {status === null ? (
          <p className="hint">{view.error ? t('admin.status_failed', { message: view.error }) : t('admin.loading')}</p>
        ) : tab === 'hopper' ? (
          <HopperPanel status={status} actions={actions} />
        ) : tab === 'sync' ? (
          <SyncPanel status={status} actions={actions} />
        ) : tab === 'enrol' ? (
          <EnrolPanel status={status} actions={actions} />
        ) : tab === 'log' ? (
          <LogPanel status={status} />
        ) : (
          <SystemPanel status={status} actions={actions} maintenance={state.out_of_service === 'maintenance'} />
        )}
      </div>
    </section>
  );
}
