import { useState } from 'react';
import type { AdminStatus } from '../../contract/admin-api';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import { Facts } from './facts';
import type { AdminActions } from './use-admin-action';

/** Enrolment: the kiosk's id and name, and a form to enrol with a code from the operator. */
export function EnrolPanel({ status, actions }: { status: AdminStatus; actions: AdminActions }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [code, setCode] = useState('');
  const [name, setName] = useState(status.enrolment.name);
  const onEnrol = async () => {
    const trimmedName = name.trim();
    const params = trimmedName ? { code: code.trim(), name: trimmedName } : { code: code.trim() };
    if (await actions.run(() => api.adminEnroll(params), (v) => t('admin.enrol_done', { id: v.kiosk_id }))) setCode('');
  };
  return (
    <div className="admin-panel" data-testid="admin-panel-enrol">
      <Facts rows={[
        [t('admin.kiosk_id'), status.enrolment.kiosk_id ?? t('admin.not_enrolled'), 'kiosk-id'],
        [t('admin.kiosk_name'), status.enrolment.name, 'kiosk-name'],
      ]} />
      <form className="admin-form text-form" onSubmit={(e) => { e.preventDefault(); void onEnrol(); }}>
        <label>
          <span>{t('admin.enrol_code')}</span>
          <input data-testid="enrol-code" value={code} autoComplete="off" spellCheck={false} onChange={(e) => setCode(e.target.value)} />
        </label>
        <label>
          <span>{t('admin.kiosk_name')}</span>
          <input data-testid="enrol-name" value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="primary" data-testid="admin-enrol" disabled={code.trim().length < 6}>{t('admin.enrol')}</button>
      </form>
    </div>
  );
}
