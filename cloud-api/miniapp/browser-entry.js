/* global window, document */
// The payment page's browser glue (bundled by bundle.ts; plain JS because the cloud tsconfig has no DOM).
// The steps themselves live in pay-flow.ts; this file only reads the page, talks to MiniKit and paints.
import { MiniKit } from '@worldcoin/minikit-js';
import { runPayFlow } from './pay-flow';

const TEXT = {
  outside_world_app: 'Open this page in World App: scan the QR code at the kiosk with World App to pay.',
  loading: 'Loading the payment…',
  confirming: 'Payment sent. Confirming it with World App…',
  paid: 'Paid. Go back to the kiosk and take your coins.',
  still_pending: 'Your payment is still being confirmed. The kiosk will start paying out as soon as it is.',
  cancelled: 'Payment cancelled. Nothing was charged. You can start again at the kiosk.',
};

function show(screen) {
  const el = document.getElementById('status');
  if (!el) return;
  el.dataset.kind = screen.kind;
  if (screen.kind === 'paying') el.textContent = `Confirm the payment in World App: ${screen.description}`;
  else if (screen.kind === 'error') el.textContent = screen.message;
  else el.textContent = TEXT[screen.kind] ?? '';
}

function start() {
  const root = document.getElementById('rolu-pay');
  const fromPath = decodeURIComponent(window.location.pathname.split('/').filter(Boolean).pop() ?? '');
  let inWorldApp = false;
  try {
    // install() also answers app_out_of_date when World App lacks commands we never use; pay() itself
    // refuses when 'pay' is missing, so "inside World App" is just: install found window.WorldApp.
    MiniKit.install(root?.dataset.appId ?? '');
    inWorldApp = MiniKit.isInstalled();
  } catch {
    inWorldApp = false;
  }
  runPayFlow({
    transactionId: fromPath,
    inWorldApp,
    apiBase: root?.dataset.apiBase ?? '',
    fetch: (url, init) => window.fetch(url, init),
    pay: async (input) => {
      const result = await MiniKit.pay(input);
      return { transactionId: result.data.transactionId };
    },
    show,
    sleep: (ms) => new Promise((resolve) => window.setTimeout(resolve, ms)),
  }).catch(() => show({ kind: 'error', message: 'Something went wrong on this page; go back to the kiosk and ask staff.' }));
}

start();
