import type { KioskState } from '../../../contract/kiosk-api';
import { useI18n } from '../../i18n/i18n-context';

type Reason = NonNullable<KioskState['out_of_service']>;

/** New cash-outs cannot start; one plain sentence. The core clears the reason and this screen goes away by itself. */
export function OutOfServiceScreen({ reason }: { reason: Reason }) {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-out-of-service" data-reason={reason} aria-labelledby="oos-title">
      <h1 id="oos-title">{t('oos.title')}</h1>
      <p className="sentence" role="status">{t(`oos.${reason}`)}</p>
    </section>
  );
}
