import type { Logger } from 'pino';
import { newId, type Clock } from '../../contract/clock';
import type { CreateTransactionResponse } from '../../contract/http';
import type { FlowState } from '../../contract/kiosk-api';
import { checkAmount, type AmountPolicy } from '../../contract/amount-rules';
import { err, ok, type Result } from '../../contract/result';
import type { KioskDb } from '../db/open-db';
import { applyClaimAnswer, applyCloudQuote, getTransaction, insertClaim, insertTransaction, isFinal, setTransactionStatus, type TransactionRow } from '../db/transactions';
import type { TransactionKind, TransactionStatus } from '../../contract/transaction';
import { realTimers, sleep, type Timers } from '../sync/backoff';
import type { CloudClient } from '../sync/cloud-client';
import { CloudError } from '../sync/cloud-error';
import type { ClaimAnswer } from '../../contract/credits';
import type { TransactionPaymentState } from '../../contract/http';
import { receiptCode } from '../../contract/error-kinds';
import { errorFlow, errorScreen } from './error-messages';
import { qrSvg } from './qr';
import type { OutOfServiceReason } from './kiosk-status';
import { registerWithRetry } from './register';
import type { StartWorldIdRequest } from './world-id-port';
import { askWorldIdVerdict } from './world-id-verdict';
import type { PayoutEvent, PayoutRunner } from './payout-runner';
import type { JobRow } from '../db/jobs';
import { sessionCaps, StepDeadline, type MoreTimeConfig, type SessionCaps } from './step-deadline';

/**
 * The customer flow state machine (PRODUCT.md "The customer flow"): idle → registering → scan →
 * verifying → waiting_payment [→ confirming_payment] → dispensing → done | error. A claim (issue 15,
 * "Collect coins you are owed") goes idle → registering → scan → verifying → collecting | nothing_owed,
 * then dispensing → done | error like a cash-out. The UI is a pure function of `state`.
 * A dispense job enters the cash-out at `onJob` (from sync/job-receiver.ts), which hands it to the
 * payout runner; the runner pays, and its events come back here to decide what the screen shows.
 */
export interface CashOutFlowDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  client: Pick<CloudClient, 'createTransaction' | 'submitWorldId' | 'transactionStatus'>;
  runner: Pick<PayoutRunner, 'enqueue' | 'onEvent'>;
  startWorldIdRequest: StartWorldIdRequest;
  config: {
    qrTimeoutSec: number;
    paymentTimeoutSec: number;
    /** Issue 15: how long "confirming your payment" waits for a submitted payment to be confirmed. */
    paymentConfirmTimeoutSec: number;
    /** How often the pay screen asks the cloud whether a payment is pending (default 2000). */
    paymentStatusPollMs?: number;
    idleTimeoutSec: number;
    /** Issue 16 "Need more time?" on the scan and pay countdowns (MORE_TIME_SEC, MORE_TIME_MAX). */
    moreTime: MoreTimeConfig;
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
  private session: { txId: string; abort: AbortController; caps?: SessionCaps } | null = null;
  /** The countdown of the step on screen (scan, waiting_payment) that "More time" extends (issue 16). */
  private step: StepDeadline | null = null;
  private idleTimer: unknown = null;
  private payoutOnScreen: string | null = null;
  /** Issue 15: coins a claim leaves owed (this kiosk could not hold them all), for its end screen. */
  private claimLeftOwed = new Map<string, number>();
  /** The last transaction that held the screen, and whether its screen was dismissed since (presence). */
  private screenTx: { id: string; left: boolean } | null = null;
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

  /**
   * Presence for a payout (issue 13, PRODUCT.md "Presence"): the customer of this transaction can still
   * be at the screen — no other customer's session is live, no other transaction held the screen since,
   * and this one's screen was not dismissed (by the customer or its idle timeout). After a restart the
   * screen is idle and has served no one: the customer whose payout the restart cut is taken to be there
   * (the job's expiry, on the cloud's time, bounds how long).
   */
  customerPresent(transactionId: string): boolean {
    if (this.session && this.session.txId !== transactionId) return false;
    return this.screenTx === null || (this.screenTx.id === transactionId && !this.screenTx.left);
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
    if (this.step && this.step.screen !== next.screen) {
      this.step.stop();
      this.step = null;
    }
    this.flow = next;
    const tx = 'transaction_id' in next ? next.transaction_id : null;
    if (tx !== null && tx !== this.screenTx?.id) this.screenTx = { id: tx, left: false };
    if (next.screen !== 'idle' && RESTING_SCREENS.has(next.screen)) {
      this.idleTimer = this.timers.setTimeout(() => this.dismiss(), this.deps.config.idleTimeoutSec * 1000);
    }
    this.deps.onChange();
  }

  startCashOut(amountCents: number): Result<{ transaction_id: string }> {
    const refusal = this.startRefusal();
    if (refusal) return refusal;
    // The same rule the amount screen applies to the same KioskState (limits, fee, free_coins).
    const policy = this.deps.amountPolicy();
    const check = checkAmount(amountCents, policy, this.deps.freeCoins());
    if (check.kind === 'not_enough_coins') return err('empty', errorScreen('empty').error.message);
    if (check.kind !== 'ok') {
      return err('amount_out_of_range', `pick a whole-dollar amount from ${policy.min_cents / 100} to ${policy.max_cents / 100} dollars`);
    }
    const txId = newId();
    insertTransaction(this.deps.db, this.deps.clock, txId, check.quote);
    return this.begin(txId, 'cash_out', amountCents);
  }

  /**
   * Issue 15, "Collect coins you are owed": a claim transaction born here (UUIDv7, kind claim), registered
   * with the cloud, then the same World ID scan (signal = the claim's id). The cloud answers with the coins
   * to collect here (its one signed job is on its way) or nothing_owed.
   */
  startCollect(): Result<{ transaction_id: string }> {
    const refusal = this.startRefusal();
    if (refusal) return refusal;
    if (this.deps.freeCoins() < 1) return err('empty', errorScreen('empty').error.message);
    const txId = newId();
    insertClaim(this.deps.db, this.deps.clock, txId);
    return this.begin(txId, 'claim', 0);
  }

  private startRefusal(): Result<never> | null {
    if (!RESTING_SCREENS.has(this.flow.screen)) return err('busy', 'a cash-out is already in progress');
    const reason = this.deps.outOfService();
    return reason ? err(reason, errorScreen(reason).error.message) : null;
  }

  private begin(txId: string, kind: TransactionKind, amountCents: number): Result<{ transaction_id: string }> {
    this.deps.onWrite();
    this.session = { txId, abort: new AbortController() };
    this.screenTx = { id: txId, left: false };
    this.show({ screen: 'registering', kind, amount_cents: amountCents });
    void this.run(txId).catch((e: unknown) => {
      const code = (e as { code?: unknown } | null)?.code;
      this.fail(txId, typeof code === 'string' ? code : 'unknown', 'cancelled', e);
    });
    return ok({ transaction_id: txId });
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

  /**
   * Issue 16 "Need more time?": the customer asks for more time on the scan or pay countdown. The step's
   * deadline moves out (step-deadline.ts: MORE_TIME_SEC, at most MORE_TIME_MAX times, never past what the
   * cloud still accepts) and the new expires_at goes out in KioskState.
   */
  extendSession(): Result<{ expires_at: string }> {
    const step = this.step;
    const s = this.flow;
    if (!this.session || !step || (s.screen !== 'scan' && s.screen !== 'waiting_payment') || step.screen !== s.screen) {
      return err('not_extendable', 'there is no countdown to extend on this screen');
    }
    if (!step.extend()) return err('no_more_time', 'no more time can be added to this step');
    this.deps.log.info({ txId: this.session.txId, screen: s.screen, expiresAt: step.expiresAt }, 'customer asked for more time');
    this.show({ ...s, expires_at: step.expiresAt, extensions_left: step.extensionsLeft });
    return ok({ expires_at: step.expiresAt });
  }

  dismiss(): Result<Record<string, never>> {
    if (!RESTING_SCREENS.has(this.flow.screen)) return err('busy', 'finish or cancel the cash-out first');
    if (this.screenTx) this.screenTx.left = true; // the customer has gone (or the idle timeout says so)
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
    if (this.session) this.session.caps = sessionCaps(reg.value, this.deps.clock.now());
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
    const qr_svg = await qrSvg(qrText);
    if (!this.isCurrent(tx.id) || !this.session) return;
    // The scan's countdown ends the request (timeout); "More time" moves it out, never past the World ID
    // request's own life (rp_context, bridge) or the cloud transaction's expiry (step-deadline.ts).
    const timedOut = new AbortController();
    const step = this.startStep('scan', config.qrTimeoutSec, this.session.caps?.scanMs, () => timedOut.abort());
    this.show({ screen: 'scan', ...fields(tx), connector_uri: request.connectorURI, qr_svg, expires_at: step.expiresAt, extensions_left: step.extensionsLeft });
    const abort = AbortSignal.any([this.session.abort.signal, timedOut.signal]);
    // idkit's own timeout is only a backstop here: the longest the step can become.
    const backstopMs = Math.max(config.qrTimeoutSec * 1000, (this.session.caps?.scanMs ?? 0) - this.deps.clock.now().getTime());
    const answer = await request.wait({ timeoutMs: backstopMs, abort });
    step.stop();
    if (!this.isCurrent(tx.id)) return;
    const waited = !answer.ok && timedOut.signal.aborted ? { ok: false as const, code: 'timeout', message: 'the scan countdown ended' } : answer;
    if (!waited.ok) return this.fail(tx.id, waited.code, waited.code === 'timeout' ? 'expired' : 'cancelled');
    this.show({ screen: 'verifying', ...fields(tx) });
    const verdict = await askWorldIdVerdict(this.deps.client, tx.id, waited.result);
    // A claim's answer is kept even when its job took the screen over first (it says what stays owed).
    if (verdict.ok && verdict.claim) this.recordClaim(tx.id, verdict.claim);
    if (!this.isCurrent(tx.id) || this.flow.screen !== 'verifying') return;
    if (!verdict.ok && verdict.code === 'nothing_owed' && tx.kind === 'claim') return this.nothingOwed(tx.id);
    if (!verdict.ok) return this.fail(tx.id, verdict.code, verdict.status);
    this.setStatus(tx.id, 'verified');
    if (tx.kind === 'claim') return this.waitForClaimJob(tx.id, verdict.claim);
    await this.waitForPayment(tx, reg.return_to, verdict.status === 'verified');
  }

  /** The cloud's claim answer on the claim's row (its job may have set the same coins already). */
  private recordClaim(txId: string, claim: ClaimAnswer): void {
    this.claimLeftOwed.set(txId, claim.coins_left_owed);
    const tx = getTransaction(this.deps.db, txId);
    if (!tx || tx.kind !== 'claim') return;
    if (tx.coins === 0) applyClaimAnswer(this.deps.db, this.deps.clock, txId, claim, 'world_id_answer');
    else if (tx.coins !== claim.coins) this.deps.log.error({ txId, kioskCoins: tx.coins, claimCoins: claim.coins }, 'claim answer differs from its job');
  }

  /** Issue 15: a claim for someone owed nothing ends refused (as in the cloud), with a plain message. */
  private nothingOwed(txId: string): void {
    this.setStatus(txId, 'refused', 'nothing_owed');
    this.session = null;
    this.show({ screen: 'nothing_owed', transaction_id: txId });
  }

  /**
   * Issue 15, collect: the cloud found coins owed and made the claim's one signed job in the same step;
   * the screen says how many come out and waits for it (presence rule: the job is admitted only while
   * this screen is up). If it does not come within PAYMENT_TIMEOUT_SEC the session ends (expired) and
   * the job, should it come later, is not presented: the coins stay owed in the cloud.
   */
  private waitForClaimJob(txId: string, claim: ClaimAnswer | undefined): void {
    const tx = getTransaction(this.deps.db, txId);
    if (!claim || !tx) return this.fail(txId, 'transaction_state', 'refused');
    this.show({ screen: 'collecting', ...fields(tx), coins_left_owed: claim.coins_left_owed });
    this.timers.setTimeout(() => {
      if (!this.isCurrent(txId) || this.flow.screen !== 'collecting') return;
      if (!this.endSession(txId, 'expired', 'the claim job did not arrive in time')) return;
      this.show(errorFlow('collect_timeout', { transactionId: txId, coinsOwed: tx.coins + claim.coins_left_owed, coinsPaid: 0 }));
    }, this.deps.config.paymentTimeoutSec * 1000);
  }

  /**
   * After verification the cloud creates the job once payment is confirmed (at once with
   * PAYMENT_MODE=none). The job takes the screen over when it arrives (onPayoutEvent). While the pay
   * screen is up the kiosk asks the cloud every few seconds whether a payment was submitted (issue 15):
   * a pending one turns the screen into "confirming your payment" with its own, longer limit and no
   * Cancel. If neither comes within PAYMENT_TIMEOUT_SEC the session ends (expired): a payment confirmed
   * later is never paid out here, the cloud records it as a credit (issue 15, presence rule).
   */
  private async waitForPayment(tx: TransactionRow, paymentUrl: string, needsPayment: boolean): Promise<void> {
    const payment_qr_svg = needsPayment ? await qrSvg(paymentUrl) : null;
    if (!this.isCurrent(tx.id)) return;
    const step = this.startStep('waiting_payment', this.deps.config.paymentTimeoutSec, this.session?.caps?.payMs, () => void this.payScreenTimedOut(tx, needsPayment));
    this.show({ screen: 'waiting_payment', ...fields(tx), payment_url: paymentUrl, payment_qr_svg, expires_at: step.expiresAt, extensions_left: step.extensionsLeft });
    if (needsPayment) await this.watchPayment(tx);
  }

  /** A step's countdown (scan, pay) that "More time" can extend up to `capMs` (the cloud's limits). */
  private startStep(screen: 'scan' | 'waiting_payment', seconds: number, capMs: number | undefined, onExpire: () => void): StepDeadline {
    this.step?.stop();
    const now = this.deps.clock.now().getTime();
    this.step = new StepDeadline({
      screen, clock: this.deps.clock, timers: this.timers, durationMs: seconds * 1000,
      // Without the cloud's answer (never the case after registering) nothing may be added.
      capMs: capMs ?? now + seconds * 1000, moreTime: this.deps.config.moreTime, onExpire,
    });
    return this.step;
  }

  /** Polls the payment's state while the pay or confirming screen of this transaction is up. */
  private async watchPayment(tx: TransactionRow): Promise<void> {
    const abort = this.session?.abort.signal;
    const pollMs = this.deps.config.paymentStatusPollMs ?? 2000;
    for (;;) {
      await sleep(this.timers, pollMs, abort);
      if (!this.onPaymentScreen(tx.id)) return;
      this.onPaymentState(tx, await this.paymentState(tx.id, abort));
    }
  }

  private onPaymentScreen(txId: string): boolean {
    return this.isCurrent(txId) && (this.flow.screen === 'waiting_payment' || this.flow.screen === 'confirming_payment');
  }

  /** The cloud's word on the payment; null when it cannot be asked now (offline: the next poll asks again). */
  private async paymentState(txId: string, abort?: AbortSignal): Promise<TransactionPaymentState | null> {
    try {
      return (await this.deps.client.transactionStatus(txId, abort)).payment;
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      return null;
    }
  }

  private onPaymentState(tx: TransactionRow, payment: TransactionPaymentState | null): void {
    if (!this.onPaymentScreen(tx.id)) return;
    if ((payment === 'pending' || payment === 'confirmed') && this.flow.screen === 'waiting_payment') return this.confirming(tx);
    if (payment === 'failed' && this.endSession(tx.id, 'failed', 'payment failed in World App')) {
      this.show(errorFlow('payment_failed', { transactionId: tx.id }));
    }
  }

  /** Issue 15: a submitted payment is being confirmed. No Cancel from here; PAYMENT_CONFIRM_TIMEOUT_SEC. */
  private confirming(tx: TransactionRow): void {
    const timeoutMs = this.deps.config.paymentConfirmTimeoutSec * 1000;
    const expires_at = new Date(this.deps.clock.now().getTime() + timeoutMs).toISOString();
    this.show({ screen: 'confirming_payment', ...fields(tx), expires_at });
    this.timers.setTimeout(() => {
      if (!this.isCurrent(tx.id) || this.flow.screen !== 'confirming_payment') return;
      // The session ends; the payment, once confirmed, becomes a credit in the cloud (never paid here).
      if (!this.endSession(tx.id, 'expired', 'payment not confirmed in time: the customer left the confirming screen')) return;
      this.show(errorFlow('payment_confirm_timeout', { transactionId: tx.id, coinsOwed: tx.coins }));
    }, timeoutMs);
  }

  /**
   * The pay screen's limit: one last look at the payment (submitted just now → confirming), else the
   * session ends here, reported to the cloud (transaction.status expired), which creates no job from then
   * on; a job already on its way is not presented (db/job-admission.ts).
   */
  private async payScreenTimedOut(tx: TransactionRow, needsPayment: boolean): Promise<void> {
    if (!this.isCurrent(tx.id) || this.flow.screen !== 'waiting_payment') return;
    if (needsPayment) {
      const payment = await this.paymentState(tx.id, this.session?.abort.signal);
      if (!this.isCurrent(tx.id) || this.flow.screen !== 'waiting_payment') return;
      if (payment === 'pending' || payment === 'confirmed') return this.confirming(tx);
    }
    if (!this.endSession(tx.id, 'expired', 'payment timeout: the customer left the pay screen')) return;
    this.show(errorFlow('payment_timeout', { transactionId: tx.id }));
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
  private endSession(txId: string, status: 'cancelled' | 'expired' | 'failed', reason: string): boolean {
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
      const free = !this.session && RESTING_SCREENS.has(this.flow.screen);
      if (this.payoutOnScreen !== e.job.id && this.session?.txId !== tx.id && !free) return;
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
    this.show(payoutEndScreen(tx, e, this.claimLeftOwed.get(tx.id) ?? 0));
    this.claimLeftOwed.delete(tx.id);
  }

  stop(): void {
    this.unsubscribe();
    this.session?.abort.abort();
    this.step?.stop();
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/** Screens whose transaction waits for its dispense job (presence rule). */
const JOB_WAITING_SCREENS = new Set<FlowState['screen']>(['verifying', 'waiting_payment', 'confirming_payment', 'collecting']);

/** Screens with no live customer session: a new cash-out or collect may start; an unrelated payout may show. */
export const RESTING_SCREENS: ReadonlySet<FlowState['screen']> = new Set<FlowState['screen']>(['idle', 'done', 'error', 'nothing_owed']);

function fields(tx: TransactionRow) {
  return {
    transaction_id: tx.id,
    kind: tx.kind,
    amount_cents: tx.amount_cents,
    fee_cents: tx.fee_cents,
    total_cents: tx.total_cents,
    coins: tx.coins,
  };
}

/**
 * The end screen of a payout (issue 15): what the customer is still owed — the coins this job did not pay
 * plus, for a claim, what the kiosk could not hold (`leftOwed`) — with the receipt code; they can collect
 * it at any RoluATM. In doubt: the coins proven paid so far (the rest is settled from the counters).
 */
function payoutEndScreen(tx: TransactionRow, e: Exclude<PayoutEvent, { kind: 'start' | 'progress' }>, leftOwed: number): FlowState {
  if (e.kind === 'waiting') {
    return errorFlow('payout_waiting', { transactionId: tx.id, coinsPaid: e.job.coins_paid });
  }
  const paid = e.job.coins_paid;
  if (e.kind === 'in_doubt') return errorFlow('payout_in_doubt', { transactionId: tx.id, coinsPaid: paid });
  if (e.job.status === 'completed') {
    return { screen: 'done', ...fields(tx), coins_paid: paid, coins_owed: leftOwed, receipt_code: receiptCode(tx.id) };
  }
  const code = paid > 0 ? 'partial_payout' : 'payout_failed';
  return errorFlow(code, { transactionId: tx.id, coinsOwed: e.job.coins - paid + leftOwed, coinsPaid: paid });
}
