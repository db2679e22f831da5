import QRCode from 'qrcode';
import type { Logger } from 'pino';
import { newId, type Clock } from '../../contract/clock';
import type { CreateTransactionResponse } from '../../contract/http';
import type { FlowState } from '../../contract/kiosk-api';
import { checkAmount, type AmountPolicy } from '../../contract/amount-rules';
import { err, ok, type Result } from '../../contract/result';
import type { KioskDb } from '../db/open-db';
import { applyCloudQuote, getTransaction, insertTransaction, isFinal, setTransactionStatus, type TransactionRow } from '../db/transactions';
import type { TransactionStatus } from '../../contract/transaction';
import { realTimers, type Timers } from '../sync/backoff';
import type { CloudClient } from '../sync/cloud-client';
import { errorFlow, errorScreen, receiptCode } from './error-messages';
import type { OutOfServiceReason } from './kiosk-status';
import { registerWithRetry } from './register';
import type { StartWorldIdRequest } from './world-id-port';
import { askWorldIdVerdict } from './world-id-verdict';
import type { PayoutEvent, PayoutRunner } from './payout-runner';
import type { JobRow } from '../db/jobs';

/**
 * The customer flow state machine (PRODUCT.md "The customer flow"): idle → registering → scan →
 * verifying → waiting_payment → dispensing → done | error. The UI is a pure function of `state`.
 * A dispense job enters the cash-out at `onJob` (from sync/job-receiver.ts), which hands it to the
 * payout runner; the runner pays, and its events come back here to decide what the screen shows.
 */
export interface CashOutFlowDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  client: Pick<CloudClient, 'createTransaction' | 'submitWorldId'>;
  runner: Pick<PayoutRunner, 'enqueue' | 'onEvent'>;
  startWorldIdRequest: StartWorldIdRequest;
  config: {
    qrTimeoutSec: number;
    paymentTimeoutSec: number;
    idleTimeoutSec: number;
    worldId: { bridgeUrl: string | null; environment: 'production' | 'staging'; allowStaging: boolean };
    demoPhoneUrl: string | null;
  };
  /** Why a cash-out cannot start now (offline, hopper, not enrolled), or null. */
  outOfService: () => OutOfServiceReason | null;
  /** The cloud's limits and fee (main/kiosk/amount-policy.ts). */
  amountPolicy: () => AmountPolicy;
  /** Coins in the hopper minus coins promised to open transactions (contract/amount-rules.ts freeCoins). */
  freeCoins: () => number;
  onWrite: () => void;
  onChange: () => void;
  timers?: Timers;
  registerAttempts?: number;
  registerRetryMs?: number;
}

export class CashOutFlow {
  private flow: FlowState = { screen: 'idle' };
  private session: { txId: string; abort: AbortController } | null = null;
  private idleTimer: unknown = null;
  private payoutOnScreen: string | null = null;
  private readonly timers: Timers;

  private readonly unsubscribe: () => void;

  constructor(private readonly deps: CashOutFlowDeps) {
    this.timers = deps.timers ?? realTimers;
    this.unsubscribe = deps.runner.onEvent((e) => this.onPayoutEvent(e));
  }

  /**
   * Presence rule (db/job-admission.ts): true only while this transaction is the live session on the
   * screen, in a state that waits for its job — verifying (with PAYMENT_MODE=none the job may come
   * before the verdict) or waiting_payment. Synchronous, so it is decided inside the admission's
   * SQLite transaction.
   */
  awaitsJob(transactionId: string): boolean {
    return this.isCurrent(transactionId) && JOB_WAITING_SCREENS.has(this.flow.screen);
  }

  /** A dispense job admitted for the session on screen: paid by the runner (at most once). */
  onJob(job: JobRow): void {
    void this.deps.runner.enqueue(job.id);
  }

  get state(): FlowState {
    return this.flow;
  }

  /** The transaction the customer at the screen is working on, if any. */
  get currentTransactionId(): string | null {
    return this.session?.txId ?? null;
  }

  show(next: FlowState): void {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.flow = next;
    if (next.screen === 'done' || next.screen === 'error') {
      this.idleTimer = this.timers.setTimeout(() => this.dismiss(), this.deps.config.idleTimeoutSec * 1000);
    }
    this.deps.onChange();
  }

  startCashOut(amountCents: number): Result<{ transaction_id: string }> {
    const s = this.flow.screen;
    if (s !== 'idle' && s !== 'done' && s !== 'error') return err('busy', 'a cash-out is already in progress');
    const reason = this.deps.outOfService();
    if (reason) return err(reason, errorScreen(reason).error.message);
    // The same rule the amount screen applies to the same KioskState (limits, fee, free_coins).
    const policy = this.deps.amountPolicy();
    const check = checkAmount(amountCents, policy, this.deps.freeCoins());
    if (check.kind === 'not_enough_coins') return err('empty', errorScreen('empty').error.message);
    if (check.kind !== 'ok') {
      return err('amount_out_of_range', `pick a whole-dollar amount from ${policy.min_cents / 100} to ${policy.max_cents / 100} dollars`);
    }
    const txId = newId();
    insertTransaction(this.deps.db, this.deps.clock, txId, check.quote);
    this.deps.onWrite();
    this.session = { txId, abort: new AbortController() };
    this.show({ screen: 'registering', kind: 'cash_out', amount_cents: amountCents });
    void this.run(txId).catch((e: unknown) => {
      const code = (e as { code?: unknown } | null)?.code;
      this.fail(txId, typeof code === 'string' ? code : 'unknown', 'cancelled', e);
    });
    return ok({ transaction_id: txId });
  }

  /** Issue 15, "Collect coins you are owed": a claim transaction (built in the next slice). */
  startCollect(): Result<{ transaction_id: string }> {
    return err('not_available', 'collecting owed coins is not available on this kiosk yet');
  }

  /** From scan or waiting_payment: stop waiting and cancel the transaction. */
  cancel(): Result<Record<string, never>> {
    const s = this.flow.screen;
    if (!this.session || (s !== 'scan' && s !== 'waiting_payment' && s !== 'registering')) {
      return err('not_cancellable', 'nothing to cancel on this screen');
    }
    const { txId, abort } = this.session;
    // One SQLite transaction against the job's admission (db/job-admission.ts): once the job is in,
    // the transaction is paid and the cancel loses; once cancelled, the job is not presented.
    const ended = this.endSession(txId, 'cancelled', 'cancelled by the customer');
    if (!ended) return err('not_cancellable', 'your payment has arrived: the coins are on their way');
    abort.abort();
    this.show({ screen: 'idle' });
    return ok({});
  }

  dismiss(): Result<Record<string, never>> {
    const s = this.flow.screen;
    if (s !== 'done' && s !== 'error' && s !== 'idle') return err('busy', 'finish or cancel the cash-out first');
    this.session = null;
    this.show({ screen: 'idle' });
    return ok({});
  }

  private isCurrent(txId: string): boolean {
    return this.session?.txId === txId && !this.session.abort.signal.aborted;
  }

  private async run(txId: string): Promise<void> {
    const reg = await registerWithRetry(this.deps, this.timers, txId, this.session?.abort.signal);
    if (!this.isCurrent(txId)) return;
    if (!reg.ok) return this.fail(txId, reg.code, reg.code === 'offline' ? 'cancelled' : 'refused');
    const tx = applyCloudQuote(this.deps.db, this.deps.clock, txId, reg.value.transaction, reg.value.payment_reference);
    await this.scan(tx, reg.value);
  }

  private async scan(tx: TransactionRow, reg: CreateTransactionResponse): Promise<void> {
    const { config } = this.deps;
    const request = await this.deps.startWorldIdRequest({
      appId: reg.world_id.app_id,
      action: reg.world_id.action,
      rpContext: reg.rp_context,
      signal: tx.id,
      returnTo: reg.return_to,
      environment: config.worldId.environment,
      allowStaging: config.worldId.allowStaging,
      ...(config.worldId.bridgeUrl ? { bridgeUrl: config.worldId.bridgeUrl } : {}),
    });
    if (!this.isCurrent(tx.id)) return;
    const qrText = config.demoPhoneUrl ? `${config.demoPhoneUrl}?uri=${encodeURIComponent(request.connectorURI)}` : request.connectorURI;
    const qr_svg = await QRCode.toString(qrText, { type: 'svg', margin: 1 });
    const expires = new Date(this.deps.clock.now().getTime() + config.qrTimeoutSec * 1000);
    this.show({ screen: 'scan', ...fields(tx), connector_uri: request.connectorURI, qr_svg, expires_at: expires.toISOString() });
    const abort = this.session?.abort.signal;
    const waited = await request.wait({ timeoutMs: config.qrTimeoutSec * 1000, ...(abort ? { abort } : {}) });
    if (!this.isCurrent(tx.id)) return;
    if (!waited.ok) return this.fail(tx.id, waited.code, waited.code === 'timeout' ? 'expired' : 'cancelled');
    this.show({ screen: 'verifying', ...fields(tx) });
    const verdict = await askWorldIdVerdict(this.deps.client, tx.id, waited.result);
    if (!this.isCurrent(tx.id) || this.flow.screen !== 'verifying') return;
    if (!verdict.ok) return this.fail(tx.id, verdict.code, verdict.status);
    this.setStatus(tx.id, 'verified');
    await this.waitForPayment(tx, reg.return_to, verdict.status === 'verified');
  }

  /**
   * After verification the cloud creates the job once payment is confirmed (at once with
   * PAYMENT_MODE=none). The job takes the screen over when it arrives (onPayoutEvent). If it does
   * not come within PAYMENT_TIMEOUT_SEC the session ends (expired): a payment confirmed later is
   * never paid out here, the cloud records it as owed (issue 15, presence rule).
   */
  private async waitForPayment(tx: TransactionRow, paymentUrl: string, needsPayment: boolean): Promise<void> {
    const payment_qr_svg = needsPayment ? await QRCode.toString(paymentUrl, { type: 'svg', margin: 1 }) : null;
    if (!this.isCurrent(tx.id)) return;
    const timeoutMs = this.deps.config.paymentTimeoutSec * 1000;
    const expires_at = new Date(this.deps.clock.now().getTime() + timeoutMs).toISOString();
    this.show({ screen: 'waiting_payment', ...fields(tx), payment_url: paymentUrl, payment_qr_svg, expires_at });
    this.timers.setTimeout(() => {
      if (!this.isCurrent(tx.id) || this.flow.screen !== 'waiting_payment') return;
      // The session ends here: reported to the cloud (transaction.status expired), which creates no
      // job from then on; a job already on its way is not presented (db/job-admission.ts).
      if (!this.endSession(tx.id, 'expired', 'payment timeout: the customer left the pay screen')) return;
      this.show(errorFlow('payment_timeout', { transactionId: tx.id }));
    }, timeoutMs);
  }

  /** Error screen for the current transaction; the transaction gets its final status (+outbox). */
  fail(txId: string, code: string, status: TransactionStatus, cause?: unknown): void {
    if (cause !== undefined) this.deps.log.error({ err: cause, txId }, 'cash-out flow failed');
    if (!this.isCurrent(txId)) return;
    this.setStatus(txId, status, code);
    this.session = null;
    this.show(errorFlow(code, { transactionId: txId }));
  }

  /**
   * Ends the live session with a final status (+outbox, so the cloud hears it) in one SQLite
   * transaction. False when a job was admitted first (transaction no longer created/verified).
   */
  private endSession(txId: string, status: 'cancelled' | 'expired', reason: string): boolean {
    const ended = this.deps.db.transaction(() => {
      const tx = getTransaction(this.deps.db, txId);
      if (!tx || (tx.status !== 'created' && tx.status !== 'verified')) return false;
      setTransactionStatus(this.deps.db, this.deps.clock, txId, { status, reason });
      return true;
    })();
    if (!ended) return false;
    this.session = null;
    this.deps.onWrite();
    return true;
  }

  private setStatus(txId: string, status: TransactionStatus, reason?: string): void {
    const tx = getTransaction(this.deps.db, txId);
    // A job may already have moved it on (paid/dispensing): never overwrite that.
    if (!tx || isFinal(tx.status) || tx.status === 'paid' || tx.status === 'dispensing') return;
    setTransactionStatus(this.deps.db, this.deps.clock, txId, { status, ...(reason ? { reason } : {}) });
    this.deps.onWrite();
  }

  /**
   * Payout progress from payout-runner.ts. The job for the transaction on screen (or any job when
   * no customer is mid-flow) takes over the screen; a job for another transaction is still paid,
   * in the background, without disturbing the customer at the screen.
   */
  private onPayoutEvent(e: PayoutEvent): void {
    const tx = getTransaction(this.deps.db, e.job.transaction_id);
    if (!tx) return;
    if (e.kind === 'start') {
      const free = !this.session && ['idle', 'done', 'error'].includes(this.flow.screen);
      if (this.session?.txId !== tx.id && !free) return;
      this.session?.abort.abort();
      this.session = null;
      this.payoutOnScreen = e.job.id;
    }
    if (this.payoutOnScreen !== e.job.id) return;
    if (e.kind === 'start' || e.kind === 'progress') {
      this.show({ screen: 'dispensing', ...fields(tx), coins_paid: e.coinsPaid });
      return;
    }
    this.payoutOnScreen = null;
    this.show(payoutEndScreen(tx, e));
  }

  stop(): void {
    this.unsubscribe();
    this.session?.abort.abort();
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

const JOB_WAITING_SCREENS = new Set<FlowState['screen']>(['verifying', 'waiting_payment']);

function fields(tx: TransactionRow) {
  return {
    transaction_id: tx.id,
    kind: 'cash_out' as const,
    amount_cents: tx.amount_cents,
    fee_cents: tx.fee_cents,
    total_cents: tx.total_cents,
    coins: tx.coins,
  };
}

function payoutEndScreen(tx: TransactionRow, e: Exclude<PayoutEvent, { kind: 'start' | 'progress' }>): FlowState {
  if (e.kind === 'in_doubt') {
    return errorFlow('payout_in_doubt', { transactionId: tx.id, coinsPaid: e.job.coins_paid });
  }
  const paid = e.job.coins_paid;
  if (e.job.status === 'completed') {
    return { screen: 'done', ...fields(tx), coins_paid: paid, coins_owed: 0, receipt_code: receiptCode(tx.id) };
  }
  const code = paid > 0 ? 'partial_payout' : 'payout_failed';
  return errorFlow(code, { transactionId: tx.id, coinsOwed: e.job.coins - paid, coinsPaid: paid });
}
