import { useI18n } from '../../i18n/i18n-context';
import { Spinner } from '../../ui/spinner';

/** Shown while the renderer has no live connection (or no state yet) from the kiosk core. */
export function ConnectingScreen() {
  const { t } = useI18n();
  return (
    <section className="screen message-screen" data-testid="screen-connecting" aria-labelledby="connecting-title">
      <Spinner />
      <h1 id="connecting-title" role="status">{t('connecting.title')}</h1>
      <p className="sentence">{t('connecting.body')}</p>
    </section>
  );
}
