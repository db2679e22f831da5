import { largestPayable } from '../../../contract/amount-rules';
import type { KioskState } from '../../../contract/kiosk-api';
import { formatCents } from '../../../contract/money';
import { useI18n } from '../../i18n/i18n-context';
import { useCustomerSession } from '../../session/customer-session';
import { CollectButton } from '../collect/collect-button';
import { StepChooseArt, StepScanArt, StepTakeArt } from '../../ui/art';
import { feeText } from '../../ui/fee-text';
import { SupportLine } from '../../ui/support-line';
import { useRowStarts } from '../../ui/use-row-starts';

/**
 * The welcome (attract) screen (issue 16): what the machine does in one line, three steps with
 * pictures, the fee and the range it can pay now, the operator's support contact (the language choice
 * is in the top bar while this screen is up),
 * and the entry points "Cash out" (the amount screen) and "Collect coins you are owed" (the core's
 * startCollect command).
 */
export function WelcomeScreen({ state }: { state: KioskState }) {
  const { t, lang } = useI18n();
  const { begin } = useCustomerSession();
  const termsRef = useRowStarts<HTMLUListElement>();
  const policy = { min_cents: state.limits.min_cents, max_cents: state.limits.max_cents, fee: state.fee };
  const title = state.payment_mode === 'world_app' ? 'welcome.title_pay' : state.payment_mode === 'none' ? 'welcome.title_free' : 'welcome.title';
  const fee = feeText(state.fee, lang);
  const feeLine = state.payment_mode === 'none' ? t('welcome.free') : fee === null ? t('welcome.no_fee') : t('welcome.fee', { fee });
  const range = t('welcome.limits', { min: formatCents(state.limits.min_cents), max: formatCents(largestPayable(policy, state.free_coins)) });
  const steps = [
    { art: <StepChooseArt />, text: t('welcome.step1') },
    { art: <StepScanArt />, text: t('welcome.step2') },
    { art: <StepTakeArt />, text: t('welcome.step3') },
  ];

  return (
    <section className="screen welcome-screen" data-testid="screen-welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title" className="welcome-title">{t(title)}</h1>
      <ol className="steps" aria-label={t('welcome.steps')}>
        {steps.map((s, i) => (
          <li key={i} className="step">
            {s.art}
            <span className="step-text"><span className="step-number">{i + 1}</span> {s.text}</span>
          </li>
        ))}
      </ol>
      {/* A list joined by "·" that never starts a line with it (use-row-starts.ts): wraps cleanly in any language. */}
      <ul className="terms joined" data-testid="welcome-terms" ref={termsRef}>
        <li>{range}</li>
        <li>{feeLine}</li>
        <li>{t('welcome.orb')}</li>
      </ul>
      <div className="welcome-actions">
        <CollectButton />
        <button type="button" className="primary big welcome-start" data-testid="welcome-cash-out" onClick={begin}>
          {t('welcome.cash_out')}
        </button>
      </div>
      <SupportLine />
    </section>
  );
}
