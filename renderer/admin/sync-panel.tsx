import type { AdminStatus } from '../../contract/admin-api';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import { formatTime } from './admin-format';
import { Facts } from './facts';
import type { AdminActions } from './use-admin-action';

/** Outbox depth, oldest unsynced, last success, Sync now; network state, cloud URL and last contact. */
export function SyncPanel({ status, actions }: { status: AdminStatus; actions: AdminActions }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const { sync, network } = status;
  const never = t('admin.never');
  return (
    <div className="admin-panel" data-testid="admin-panel-sync">
      <Facts rows={[
        [t('admin.outbox_depth'), sync.outbox_depth, 'outbox-depth'],
        [t('admin.oldest_unsynced'), formatTime(sync.oldest_unsynced_at, t('admin.none')), 'oldest-unsynced'],
        [t('admin.last_sync'), formatTime(sync.last_success_at, never), 'last-sync'],
        [t('admin.quarantined'), sync.quarantined, 'quarantined'],
        [t('admin.online'), t(network.online ? 'admin.yes' : 'admin.no'), 'network-online'],
        [t('admin.cloud_url'), <span className="url">{network.cloud_url}</span>, 'cloud-url'],
        [t('admin.last_contact'), formatTime(network.last_contact_at, never), 'last-contact'],
      ]} />
      <div className="admin-actions">
        <button type="button" className="primary" data-testid="admin-sync-now"
          onClick={() => void actions.run(() => api.adminSyncNow({}), (v) => t('admin.sync_done', { depth: v.outbox_depth }))}>
          {t('admin.sync_now')}
        </button>
      </div>
    </div>
  );
}
