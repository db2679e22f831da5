import { useState } from 'react';
import type { AdminStatus } from '../../contract/admin-api';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import { formatTime } from './admin-format';
import { DigitPad } from './digit-pad';
import { Facts } from './facts';
import { SettleByHand } from './settle-by-hand';
import type { AdminActions } from './use-admin-action';
import { ConfirmButton } from './confirm-button';

/** Hopper identity, faults, level and coin counts; refill, empty, test dispense, reset, settle in-doubt. */
export function HopperPanel({ status, actions }: { status: AdminStatus; actions: AdminActions }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [count, setCount] = useState('');
  const { hopper, inventory } = status;
  const id = hopper.identity;
  const yesNo = (b: boolean) => t(b ? 'admin.yes' : 'admin.no');
  const onRefill = async () => {
    if (await actions.run(() => api.adminRefill({ coins: Number(count) }), (v) => t('admin.refill_done', { coins: v.coins }))) setCount('');
  };
  return (
    <div className="admin-panel admin-columns" data-testid="admin-panel-hopper">
      <div className="admin-main">
        <Facts rows={[
          [t('admin.hopper_connected'), yesNo(hopper.connected), 'hopper-connected'],
          [t('admin.hopper_identity'), id ? `${id.manufacturer} ${id.product} #${id.serial} (${id.category}, sw ${id.software})` : t('admin.unknown'), 'hopper-identity'],
          [t('admin.hopper_port'), hopper.port, 'hopper-port'],
          [t('admin.hopper_faults'), hopper.faults.length ? hopper.faults.join(', ') : t('admin.none'), 'hopper-faults'],
          [t('admin.hopper_level'), hopper.level, 'hopper-level'],
          [t('admin.coins_held'), inventory.coins ?? t('admin.unknown'), 'coins-held'],
          [t('admin.coins_reserved'), inventory.reserved, 'coins-reserved'],
          [t('admin.coins_paid_total'), inventory.paid_total, 'coins-paid-total'],
        ]} />
        <div className="admin-actions">
          <button type="button" className="secondary" data-testid="admin-test-dispense"
            onClick={() => void actions.run(() => api.adminTestDispense({}), (v) => t('admin.test_done', { coins: v.coins_paid, outcome: v.outcome }))}>
            {t('admin.test_dispense')}
          </button>
          <ConfirmButton testId="admin-reset-hopper"
            onConfirm={() => void actions.run(() => api.adminResetHopper({}), (v) => t('admin.reset_done', { faults: v.faults.length ? v.faults.join(', ') : t('admin.none') }))}>
            {t('admin.reset_hopper')}
          </ConfirmButton>
          <ConfirmButton testId="admin-empty"
            onConfirm={() => void actions.run(() => api.adminEmpty({}), (v) => t('admin.empty_done', { coins: v.coins }))}>
            {t('admin.empty')}
          </ConfirmButton>
        </div>
        <InDoubt status={status} actions={actions} />
      </div>
      <div className="admin-form">
        <div className="admin-form-row">
          <p className="admin-field"><span>{t('admin.refill_count')}</span> <output data-testid="refill-count">{count || '—'}</output></p>
          <button type="button" className="primary" data-testid="admin-refill" disabled={count === ''} onClick={() => void onRefill()}>
            {t('admin.refill')}
          </button>
        </div>
        <DigitPad value={count} onChange={setCount} maxLength={5} label={t('admin.count_pad')} testId="refill-pad" />
      </div>
    </div>
  );
}

/** Each in-doubt payout with the counters it will be settled against (cctalk-hopper.md "never paying twice"). */
function InDoubt({ status, actions }: { status: AdminStatus; actions: AdminActions }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [settled, setSettled] = useState<string[]>([]);
  const onSettle = () =>
    void actions.run(() => api.adminSettleInDoubt({}), (v) => {
      setSettled(v.settled.map((s) => t('admin.settled_row', { requested: s.coins_requested, paid: s.coins_paid, evidence: s.evidence })));
      return t('admin.settle_done', { count: v.settled.length });
    });
  return (
    <section className="admin-subsection" aria-labelledby="in-doubt-title" data-testid="in-doubt">
      <h2 id="in-doubt-title">{t('admin.in_doubt')}</h2>
      {status.in_doubt.length === 0 ? (
        <p className="hint">{t('admin.in_doubt_none')}</p>
      ) : (
        <ul className="admin-list">
          {status.in_doubt.map((p) => (
            <li key={p.intent_id} data-testid="in-doubt-row">
              {t('admin.in_doubt_row', { coins: p.coins, time: formatTime(p.created_at, ''), event: p.event_counter_before, count: p.dispense_count_before })}
              {status.hopper.identity && status.hopper.identity.serial !== p.hopper_serial && (
                <>
                  {' '}{t('admin.in_doubt_swapped', { serial: p.hopper_serial })}
                  <SettleByHand payout={p} actions={actions} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="secondary" data-testid="admin-settle" disabled={status.in_doubt.length === 0} onClick={onSettle}>
        {t('admin.settle')}
      </button>
      {settled.length > 0 && (
        <ul className="admin-list" data-testid="settled">
          {settled.map((line, i) => <li key={i}>{line}</li>)}
        </ul>
      )}
    </section>
  );
}
