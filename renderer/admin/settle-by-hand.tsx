import { useState } from 'react';
import type { AdminStatus } from '../../contract/admin-api';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';
import { DigitPad } from './digit-pad';
import type { AdminActions } from './use-admin-action';

type InDoubtPayout = AdminStatus['in_doubt'][number];

/**
 * Settle by hand, for a payout journaled against another hopper (swapped; its counters are gone):
 * the technician counts the coins the customer got and confirms with the PIN (main/admin/admin-settle-by-hand.ts).
 */
export function SettleByHand({ payout, actions }: { payout: InDoubtPayout; actions: AdminActions }) {
  const { t } = useI18n();
  const api = useKioskApi();
  const [open, setOpen] = useState(false);
  const [coins, setCoins] = useState('');
  const [pin, setPin] = useState('');
  if (!open) {
    return (
      <button type="button" className="secondary" data-testid="admin-settle-by-hand" onClick={() => setOpen(true)}>
        {t('admin.settle_by_hand')}
      </button>
    );
  }
  const onConfirm = async () => {
    const done = await actions.run(
      () => api.adminSettleByHand({ intent_id: payout.intent_id, coins_paid: Number(coins), pin }),
      (v) => t('admin.settle_by_hand_done', { coins: v.coins_paid }),
    );
    setPin('');
    if (done) setOpen(false);
  };
  return (
    <div className="admin-form" data-testid="settle-by-hand-form">
      <p className="hint">{t('admin.settle_by_hand_hint', { coins: payout.coins, serial: payout.hopper_serial })}</p>
      <p className="admin-field"><span>{t('admin.settle_by_hand_coins')}</span> <output data-testid="settle-by-hand-coins">{coins || '—'}</output></p>
      <DigitPad value={coins} onChange={setCoins} maxLength={3} label={t('admin.settle_by_hand_coins')} testId="settle-by-hand-coins-pad" />
      <p className="admin-field"><span>{t('admin.settle_by_hand_pin')}</span> <output data-testid="settle-by-hand-pin">{'•'.repeat(pin.length) || '—'}</output></p>
      <DigitPad value={pin} onChange={setPin} maxLength={8} kind="pin" label={t('admin.settle_by_hand_pin')} testId="settle-by-hand-pin-pad" />
      <button type="button" className="primary" data-testid="admin-settle-by-hand-confirm" disabled={coins === '' || pin.length < 4} onClick={() => void onConfirm()}>
        {t('admin.settle_by_hand_confirm')}
      </button>
    </div>
  );
}
