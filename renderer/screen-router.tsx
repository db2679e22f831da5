import type { KioskState } from '../contract/kiosk-api';
import { AmountScreen } from './features/amount/amount-screen';
import { CollectingScreen } from './features/collect/collecting-screen';
import { NothingOwedScreen } from './features/collect/nothing-owed-screen';
import { ConfirmingPaymentScreen } from './features/confirming-payment/confirming-payment-screen';
import { ConnectingScreen } from './features/connecting/connecting-screen';
import { DispensingScreen } from './features/dispensing/dispensing-screen';
import { DoneScreen } from './features/done/done-screen';
import { ErrorScreen } from './features/error/error-screen';
import { OutOfServiceScreen } from './features/out-of-service/out-of-service-screen';
import { RegisteringScreen } from './features/registering/registering-screen';
import { ScanScreen } from './features/scan/scan-screen';
import { VerifyingScreen } from './features/verifying/verifying-screen';
import { WelcomeScreen } from './features/welcome/welcome-screen';
import { useCustomerSession } from './session/customer-session';
import { WaitingPaymentScreen } from './features/waiting-payment/waiting-payment-screen';

/**
 * The customer screen as a pure function of KioskState (null = not connected). Out of service only
 * replaces the idle screen: a cash-out already under way (e.g. coins dispensing) keeps its screen,
 * because a job already received keeps going (PRODUCT.md "Offline-first, precisely"). On idle the
 * customer session picks the welcome or the amount screen (session/customer-session.tsx).
 */
export function ScreenRouter({ state }: { state: KioskState | null }) {
  const { phase } = useCustomerSession();
  if (state === null) return <ConnectingScreen />;
  const { flow } = state;
  switch (flow.screen) {
    case 'idle':
      if (state.out_of_service !== null) return <OutOfServiceScreen reason={state.out_of_service} />;
      return phase === 'welcome' ? <WelcomeScreen state={state} /> : <AmountScreen state={state} />;
    case 'registering':
      return <RegisteringScreen amountCents={flow.amount_cents} kind={flow.kind} />;
    case 'scan':
      return <ScanScreen key={flow.transaction_id} flow={flow} demoPhoneUrl={state.demo_phone_url} />;
    case 'verifying':
      return <VerifyingScreen flow={flow} />;
    case 'waiting_payment':
      return <WaitingPaymentScreen flow={flow} />;
    case 'confirming_payment':
      return <ConfirmingPaymentScreen flow={flow} />;
    case 'collecting':
      return <CollectingScreen flow={flow} />;
    case 'nothing_owed':
      return <NothingOwedScreen />;
    case 'dispensing':
      return <DispensingScreen flow={flow} />;
    case 'done':
      return <DoneScreen flow={flow} />;
    case 'error':
      return <ErrorScreen flow={flow} />;
  }
}
