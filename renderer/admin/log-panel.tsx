import type { AdminStatus } from '../../contract/admin-api';
import { useI18n } from '../i18n/i18n-context';
import { formatTime } from './admin-format';

/** The kiosk core's recent log lines, newest last, as the core sends them (it redacts secrets). */
export function LogPanel({ status }: { status: AdminStatus }) {
  const { t } = useI18n();
  if (status.recent_log.length === 0) return <p className="hint" data-testid="admin-panel-log">{t('admin.log_empty')}</p>;
  return (
    <ol className="log-lines" data-testid="admin-panel-log">
      {status.recent_log.map((line, i) => (
        <li key={i} className={`log-${line.level}`}>
          <span className="log-time">{formatTime(line.time, '')}</span> <span className="log-level">{line.level}</span> {line.msg}
        </li>
      ))}
    </ol>
  );
}
