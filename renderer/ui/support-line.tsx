import { useKioskState } from '../api/kiosk-context';
import { useI18n } from '../i18n/i18n-context';

/** The operator's support contact (cloud SUPPORT_CONTACT, KioskState.support_contact), or "ask staff" when none is set. */
export function SupportLine() {
  const { t } = useI18n();
  const contact = useKioskState()?.support_contact ?? null;
  return (
    <p className="support" data-testid="support-contact">
      {contact === null ? t('help.staff') : t('help.contact', { contact })}
    </p>
  );
}
