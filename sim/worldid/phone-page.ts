import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody } from './http-util';
import { approve, reject, type PhoneOptions, type PhoneOutcome } from './phone';
import { openPaymentRequest, payTransaction, transactionFromReturnTo, type PaymentAsk } from './phone-pay';

/**
 * Demo only: a tiny page standing in for World App. Paste (or pass as `?uri=`) the connector URI the
 * kiosk shows under its QR code in demo mode — or the QR's own link to this page — and press Approve
 * or Reject; the phone simulator runs server-side and the outcome is shown.
 *
 * Each page load offers a new simulated person, so repeated demo walks do not reach the cloud's
 * per-person daily limit (PER_HUMAN_DAILY_COUNT); typing a name again is the same person again.
 */
export interface PhonePageOptions {
  port?: number;
  phone?: PhoneOptions;
  /** PAYMENT_MODE=world_app demo: the cloud to pay and the fake portal that plays World App's payment. */
  pay?: { cloudUrl: string; portalUrl: string };
}

export interface PhonePage {
  url: string;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** A new simulated person's name: a fresh World ID nullifier for the demo's action. */
export function newPersonName(): string {
  return `person-${randomBytes(4).toString('hex')}`;
}

/**
 * The connector URI in what was pasted: the URI itself, or a link to this page carrying it as `?uri=`
 * (what the demo kiosk's QR code encodes). Anything else is passed on for the phone to refuse.
 */
export function connectorFromPasted(pasted: string): string {
  const text = pasted.trim();
  try {
    const url = new URL(text);
    const inner = url.searchParams.get('uri');
    if (inner && !url.searchParams.has('i')) return inner.trim();
  } catch {
    // not a URL: the phone says so
  }
  return text;
}

function page(uri: string, outcome: string, payFor = '', person = newPersonName()): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Simulated World App</title></head><body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>Simulated World App</h1>
<form method="post">
<label>Connector link (paste the link shown under the kiosk's QR code)<br><textarea name="uri" rows="4" style="width:100%">${escapeHtml(uri)}</textarea></label>
<p><label>Person <input name="identity" value="${escapeHtml(person)}"></label> (a new person each time; type an earlier name to be that person again)</p>
<p>
<label>Reject code <input name="code" value="user_rejected"></label></p>
<button formaction="/approve">Approve</button> <button formaction="/reject">Reject</button>
</form>
<form method="post" action="/pay">
<p><label>Transaction to pay <input name="transaction" size="40" value="${escapeHtml(payFor)}"></label>
<button id="pay">Pay</button></p>
</form>
${outcome ? `<p id="outcome">${escapeHtml(outcome)}</p>` : ''}
</body></html>`;
}

function describe(outcome: PhoneOutcome): string {
  const next = outcome.returnTo ? ` Next: ${outcome.returnTo}` : '';
  return outcome.answered === 'proof'
    ? `Approved with a ${outcome.protocol} proof.${next}`
    : `Answered with error ${outcome.errorCode}.${next}`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

async function act(req: IncomingMessage, action: string, phone: PhoneOptions): Promise<{ uri: string; text: string; returnTo?: string }> {
  const form = new URLSearchParams(await readBody(req, 64 * 1024));
  const uri = connectorFromPasted(form.get('uri') ?? '');
  try {
    const identity = form.get('identity')?.trim() || phone.identity || newPersonName();
    const outcome =
      action === '/approve' ? await approve(uri, { ...phone, identity }) : await reject(uri, form.get('code')?.trim() || 'user_rejected');
    return { uri, text: describe(outcome), returnTo: outcome.returnTo ?? undefined };
  } catch (cause) {
    return { uri, text: `Failed: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
}

export async function startPhonePage(opts: PhonePageOptions = {}): Promise<PhonePage> {
  // Payment requests the mini app read when it opened after a verification (return_to), by transaction.
  const opened = new Map<string, PaymentAsk>();
  const listening = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://phone');
      if (req.method === 'GET' && url.pathname === '/') return sendHtml(res, 200, page(connectorFromPasted(url.searchParams.get('uri') ?? ''), '', '', opts.phone?.identity));
      if (req.method === 'POST' && (url.pathname === '/approve' || url.pathname === '/reject')) {
        const { uri, text, returnTo } = await act(req, url.pathname, opts.phone ?? {});
        const payFor = transactionFromReturnTo(returnTo);
        if (opts.pay && payFor) {
          const ask = await openPaymentRequest(opts.pay, payFor);
          if (typeof ask !== 'string') opened.set(payFor, ask);
        }
        return sendHtml(res, 200, page(uri, text, payFor));
      }
      if (req.method === 'POST' && url.pathname === '/pay') {
        const id = new URLSearchParams(await readBody(req, 64 * 1024)).get('transaction')?.trim() ?? '';
        const ask = opened.get(id);
        const text = opts.pay ? await payTransaction(opts.pay, id, ask ? { opened: ask } : {}) : 'Payments are off in this demo (PAYMENT_MODE=none).';
        return sendHtml(res, 200, page('', text, id));
      }
      sendHtml(res, 404, page('', 'Not found.'));
    },
    opts.port ?? 0,
    '127.0.0.1',
  );
  return { url: listening.url, close: listening.close };
}
