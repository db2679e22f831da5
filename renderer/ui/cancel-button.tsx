import { useState } from 'react';
import { useKioskApi } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';

/** The customer's Cancel (KioskApi `cancel`): disabled while the core answers. */
export function CancelButton() {
  const { t } = useI18n();
  const api = useKioskApi();
  const [cancelling, setCancelling] = useState(false);
  const onCancel = async () => {
    setCancelling(true);
    await api.cancel({});
    setCancelling(false);
  };
  return (
    <button type="button" className="secondary big" data-testid="cancel" disabled={cancelling} onClick={() => void onCancel()}>
      {t('cancel')}
    </button>
  );
}
