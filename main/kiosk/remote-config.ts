import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import { RemoteConfigSchema, type RemoteConfig } from '../../contract/remote-config';
import { getStateValue, setStateValue } from '../db/kiosk-state';
import type { KioskDb } from '../db/open-db';
import { appendOutbox } from '../db/outbox';

/**
 * The operator's remote config on the kiosk (issue 17, contract/remote-config.ts): the newest version the cloud sent
 * is kept as `desired`; it becomes `applied` only when `idle()` says no customer or admin session is open. Applying
 * and its `config.applied` outbox event are one SQLite transaction, so the cloud hears of exactly what runs. Both
 * survive a restart in kiosk_state (no table needed: kiosk migration 005 stays unused).
 */
export interface RemoteConfigHolder {
  /** The cloud's answer carried this desired config: kept, and applied now if idle. */
  receive(cfg: RemoteConfig): void;
  /** Applies a waiting newer version when idle; true when it applied one. Call on every state change. */
  tryApply(): boolean;
  applied(): RemoteConfig | null;
}

const DESIRED = 'remote_config_desired';
const APPLIED = 'remote_config_applied';

function read(db: KioskDb, key: string): RemoteConfig | null {
  const parsed = RemoteConfigSchema.safeParse(getStateValue(db, key));
  return parsed.success ? parsed.data : null;
}

export function createRemoteConfigHolder(deps: {
  db: KioskDb; clock: Clock; log: Logger; idle: () => boolean; onApplied: (cfg: RemoteConfig) => void; onWrite: () => void;
}): RemoteConfigHolder {
  let desired = read(deps.db, DESIRED);
  let applied = read(deps.db, APPLIED);
  const holder: RemoteConfigHolder = {
    receive(cfg) {
      if (desired && cfg.version <= desired.version) return;
      desired = cfg;
      setStateValue(deps.db, DESIRED, cfg);
      holder.tryApply();
    },
    tryApply() {
      const next = desired;
      if (!next || (applied && next.version <= applied.version) || !deps.idle()) return false;
      deps.db.transaction(() => {
        setStateValue(deps.db, APPLIED, next);
        appendOutbox(deps.db, deps.clock, 'config.applied', { version: next.version, in_service: next.in_service, overrides: next.overrides });
      })();
      applied = next;
      deps.log.info({ version: next.version, in_service: next.in_service, overrides: next.overrides }, "the operator's remote config is applied");
      deps.onWrite();
      deps.onApplied(next);
      return true;
    },
    applied: () => applied,
  };
  return holder;
}
