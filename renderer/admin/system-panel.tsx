import { useState } from 'react';
import type { AdminStatus } from '../../contract/admin-api';
import { PinSchema } from '../../contract/admin-api';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import { DigitPad } from './digit-pad';
import { Facts } from './facts';
import type { AdminActions } from './use-admin-action';
import { ConfirmButton } from './confirm-button';

/** Software version and build; maintenance on/off, change PIN, restart the app. */
export function SystemPanel({ status, actions, maintenance }: { status: AdminStatus; actions: AdminActions; maintenance: boolean }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [newPin, setNewPin] = useState('');
  const setMaintenance = (on: boolean) =>
    void actions.run(() => api.adminSetMaintenance({ on }), () => t(on ? 'admin.maintenance_done_on' : 'admin.maintenance_done_off'));
  const onChangePin = async () => {
    if (await actions.run(() => api.adminChangePin({ new_pin: newPin }), () => t('admin.pin_changed'))) setNewPin('');
  };
  return (
    <div className="admin-panel admin-columns" data-testid="admin-panel-system">
      <div className="admin-main">
        <Facts rows={[
          [t('admin.version'), status.software.version, 'software-version'],
          [t('admin.build'), status.software.build, 'software-build'],
        ]} />
        <div className="admin-actions">
          <button type="button" className="secondary" data-testid="admin-maintenance" aria-pressed={maintenance} onClick={() => setMaintenance(!maintenance)}>
            {t(maintenance ? 'admin.maintenance_off' : 'admin.maintenance_on')}
          </button>
          <ConfirmButton testId="admin-restart" onConfirm={() => void actions.run(() => api.adminRestart({}), () => t('admin.restart_done'))}>
            {t('admin.restart')}
          </ConfirmButton>
        </div>
      </div>
      <div className="admin-form">
        <div className="admin-form-row">
          <p className="admin-field"><span>{t('admin.new_pin')}</span> <output data-testid="new-pin">{newPin ? '•'.repeat(newPin.length) : '—'}</output></p>
          <button type="button" className="primary" data-testid="admin-change-pin" disabled={!PinSchema.safeParse(newPin).success} onClick={() => void onChangePin()}>
            {t('admin.change_pin')}
          </button>
        </div>
        <DigitPad kind="pin" value={newPin} onChange={setNewPin} maxLength={8} label={t('admin.pin_pad')} testId="new-pin-pad" />
      </div>
    </div>
  );
}
