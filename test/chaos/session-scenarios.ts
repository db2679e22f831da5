import { openPaymentRequest, payTransaction } from '../../sim/worldid/phone-pay';
import { eventually, payPending, scanAndApprove, start, txOf, untilEnded, untilScreen } from './customer-steps';
import type { RunRecord } from './invariants';
import type { CallResult } from './kiosk-customer';
import { readCloud } from './observe';
import { isAck, isJobDelivery, isPaymentPoll } from './requests';
import type { DrivenRun, RunContext, Scenario } from './scenarios';

/**
 * Issue 15 "Done when": chaos scenarios for the presence rule and the credits ledger. Each drives its own
 * customers (the runner settles and checks every transaction it started) and its judge asserts that the race
 * it names really happened, so a run that drifted past its moment is a `scenario_reached` violation, never a
 * silent pass.
 */
const cloudView = (ctx: RunContext, txId: string) => readCloud(ctx.stack.cloudUrl, ctx.stack.operatorToken, txId, new Date(Date.now() - 600_000).toISOString());
const fastPhone = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 300))) };
const byId = (records: RunRecord[], id: string | undefined) => records.find((r) => r.transactionId === id);
/** A cash-out of the run's coins, scanned and approved by the run's customer, on the pay screen; its id. */
async function toPayScreen(ctx: RunContext, run: DrivenRun): Promise<string> {
  const txId = await start(ctx.customer, { cashOutCoins: ctx.coins });
  run.transactions.push(txId); // settled and checked even if a later step fails
  await scanAndApprove(ctx.customer, txId, ctx.identity);
  await untilScreen(ctx.customer, txId, ['waiting_payment'], 30_000);
  return txId;
}
const oneCredit = (r: RunRecord | undefined) => (r?.credits.length === 1 ? r.credits[0] : undefined);

/**
 * late_payment: the customer pays in World App but the payment stays pending; the kiosk shows "confirming your
 * payment" until PAYMENT_CONFIRM_TIMEOUT_SEC (6 s in chaos) ends the session. The next customer starts and is
 * on the QR when the payment is mined and the cloud's re-checker confirms it: no coin leaves, the next
 * customer's QR stays, the first customer gets one open `late_payment` credit of every coin.
 */
const LATE_PAYMENT: Scenario = {
  name: 'late_payment',
  kind: 'presence',
  arm: () => undefined,
  async drive(ctx, run) {
    const { customer, stack } = ctx;
    const first = await toPayScreen(ctx, run);
    const payment = await payPending(stack, first);
    await untilScreen(customer, first, ['confirming_payment'], 10_000);
    run.facts.confirming_shown = true;
    const ended = await untilEnded(customer, first, 20_000);
    run.facts.first_ended_on = ended.flow.screen === 'error' ? ended.flow.error.code : ended.flow.screen;
    await eventually('the cloud to hear the session ended', async () => ((await cloudView(ctx, first)).cloud?.status === 'expired' ? true : undefined), 20_000);
    // The next customer: the first one's payment is still pending while they pick an amount and get the QR.
    await customer.call('dismiss');
    const next = await start(customer, { cashOutCoins: ctx.coins });
    run.transactions.push(next);
    const qr = await untilScreen(customer, next, ['scan'], 30_000);
    const uri = qr.flow.screen === 'scan' ? qr.flow.connector_uri : '';
    const coinsBefore = stack.hopper.sim.coinsOut;
    stack.payments.setStatus(payment, 'mined');
    await eventually('the late payment to become a credit', async () => ((await cloudView(ctx, first)).credits.length > 0 ? true : undefined), 60_000);
    const now = customer.state?.flow;
    run.facts.next_still_on_qr = now?.screen === 'scan' && txOf(customer.state!) === next && now.connector_uri === uri;
    run.facts.coins_out_meanwhile = stack.hopper.sim.coinsOut - coinsBefore;
    await customer.call('cancel'); // the next customer walks away
  },
  judge(records, run) {
    const [first, next] = [byId(records, run.transactions[0]), byId(records, run.transactions[1])];
    const credit = oneCredit(first);
    const problems: string[] = [];
    if (run.facts.confirming_shown !== true) problems.push('the kiosk never showed "confirming your payment"');
    if (run.facts.first_ended_on !== 'payment_confirm_timeout') problems.push(`the first session ended on ${String(run.facts.first_ended_on)}, not the confirming limit`);
    if (first?.kiosk?.status !== 'expired') problems.push(`the first transaction is ${first?.kiosk?.status ?? 'missing'} on the kiosk, not expired`);
    if (credit?.reason !== 'late_payment' || credit.coins !== first?.coins || credit.state !== 'open') problems.push(`the first customer's credits are ${JSON.stringify(first?.credits)}, not one open late_payment of ${first?.coins} coins`);
    if (run.facts.next_still_on_qr !== true) problems.push("the next customer's QR did not stay on the screen while the late payment was confirmed");
    if (run.facts.coins_out_meanwhile !== 0 || (first?.hopperCoins ?? 0) + (next?.hopperCoins ?? 0) !== 0) problems.push(`coins left the hopper: ${String(run.facts.coins_out_meanwhile)} while the payment was confirmed`);
    if (!next || next.kiosk?.status !== 'cancelled' || (next.kiosk.jobs.length ?? 0) > 0) problems.push(`the next customer's session is ${next?.kiosk?.status ?? 'missing'} with ${next?.kiosk?.jobs.length ?? 0} jobs, not cancelled by them with none`);
    return { outcome: 'late_payment_credited', problems };
  },
};

type RaceOrder = 'cancel_then_job' | 'together' | 'job_then_cancel';
const RACE_ORDERS: RaceOrder[] = ['cancel_then_job', 'together', 'job_then_cancel'];

/**
 * cancel_races_job: the customer pays (mined at once: the cloud makes the job in the same step) and presses
 * Cancel as the job reaches the kiosk, in an order the run's seed picks: just before the kiosk reads the job
 * (cancel must win: the job is acked and reported job.not_presented, a `not_presented` credit), at the same
 * moment (either wins), or once the kiosk acks it (the job won: Cancel is refused, every coin paid). Never both,
 * never neither. The pay screen's payment poll is held while the race is armed, so the screen stays on
 * waiting_payment (where Cancel is offered) until the job arrives.
 */
const CANCEL_RACES_JOB: Scenario = {
  name: 'cancel_races_job',
  kind: 'presence',
  arm: () => undefined,
  async drive(ctx, run) {
    const { customer, stack } = ctx;
    const order = RACE_ORDERS[Math.floor(ctx.random() * RACE_ORDERS.length)]!;
    run.facts.order = order;
    const txId = await toPayScreen(ctx, run);
    let cancel: Promise<CallResult> | null = null;
    const pressCancel = () => {
      run.facts.screen_at_cancel = customer.state?.flow.screen ?? 'none';
      cancel = customer.call('cancel');
      return cancel;
    };
    let delivered!: () => void;
    const jobDelivered = new Promise<void>((r) => (delivered = r));
    stack.net.hooks.request = async (ex) => {
      if (isPaymentPoll(ex.method, ex.path, txId)) return { kind: 'hold', until: jobDelivered };
      if (order === 'job_then_cancel' && isAck(ex.method, ex.path) && !cancel) await pressCancel();
    };
    stack.net.hooks.answer = async (ex, answer) => {
      if (!isJobDelivery(ex.method, ex.path, answer.status) || !answer.body.toString().includes(txId)) return;
      stack.net.hooks.answer = undefined;
      run.facts.job_delivered = true;
      if (order === 'cancel_then_job') await pressCancel();
      if (order === 'together') void pressCancel();
      delivered();
    };
    await payTransaction({ cloudUrl: stack.cloudUrl, portalUrl: stack.portalUrl }, txId, fastPhone);
    await Promise.race([jobDelivered, new Promise((_, no) => setTimeout(() => no(new Error('the job never reached the kiosk')), 30_000))]);
    await eventually('the customer to press Cancel', async () => (cancel ? true : undefined), 30_000);
    const result = await cancel!;
    run.facts.cancel = result.ok ? 'accepted' : result.error.code;
    stack.net.hooks.request = undefined;
    await untilEnded(customer, txId, 60_000).catch(() => undefined);
  },
  judge(records, run) {
    const r = byId(records, run.transactions[0]);
    const credit = oneCredit(r);
    const problems: string[] = [];
    const cancelWon = run.facts.cancel === 'accepted';
    if (run.facts.job_delivered !== true) problems.push('the job never reached the kiosk: nothing raced');
    if (run.facts.order === 'cancel_then_job' && !cancelWon) problems.push(`Cancel before the job was refused (${String(run.facts.cancel)} on ${String(run.facts.screen_at_cancel)})`);
    if (run.facts.order === 'job_then_cancel' && cancelWon) problems.push('Cancel after the job was acked was accepted');
    if (cancelWon && (r?.hopperCoins !== 0 || credit?.reason !== 'not_presented' || credit.coins !== r.coins)) {
      problems.push(`Cancel won, yet the hopper paid ${r?.hopperCoins} and the credits are ${JSON.stringify(r?.credits)} (want 0 paid, one not_presented credit of every coin)`);
    }
    if (!cancelWon && (r?.hopperCoins !== r?.coins || (r?.credits.length ?? 0) > 0)) {
      problems.push(`the job won, yet the hopper paid ${r?.hopperCoins} of ${r?.coins} with credits ${JSON.stringify(r?.credits)}`);
    }
    return { outcome: `${String(run.facts.order)}: ${cancelWon ? 'cancel_won' : 'job_won'}`, problems };
  },
};

/**
 * collect_killed_mid_payout: a customer cancels on the pay screen and pays anyway (a `cancelled_after_payment`
 * credit of every coin), then collects it (claim, same World ID); the kiosk is SIGKILLed when half the claim's
 * coins are out (in half the runs the bowl also runs empty there, so the claim ends short). After the restart
 * and recovery the claim's coins are paid at most once, the credit has collected exactly the coins proven paid
 * and the rest stays open (all collected when the hopper paid every coin).
 */
const COLLECT_KILLED_MID_PAYOUT: Scenario = {
  name: 'collect_killed_mid_payout',
  kind: 'presence',
  arm: () => undefined,
  async drive(ctx, run) {
    const { customer, stack } = ctx;
    const source = await toPayScreen(ctx, run);
    // World App's mini app opened the payment request on return_to; the phone keeps it past the cancel.
    const opened = await openPaymentRequest({ cloudUrl: stack.cloudUrl, portalUrl: stack.portalUrl }, source);
    if (typeof opened === 'string') throw new Error(opened);
    const cancelled = await customer.call('cancel');
    if (!cancelled.ok) throw new Error(`Cancel on the pay screen was refused: ${cancelled.error.code}`);
    await eventually('the cloud to hear the cancel', async () => ((await cloudView(ctx, source)).cloud?.status === 'cancelled' ? true : undefined), 20_000);
    run.facts.paid_after_cancel = await payTransaction({ cloudUrl: stack.cloudUrl, portalUrl: stack.portalUrl }, source, { ...fastPhone, opened });
    const credit = await eventually('the paid cancel to become a credit', async () => (await cloudView(ctx, source)).credits[0], 20_000);
    run.facts.credit_reason = credit.reason ?? '';
    run.claim = { sourceId: source, claimId: '', collectedBefore: credit.coins_collected ?? 0 };
    // The same person collects; the kiosk dies when half the claim's coins are out. A hopper keeps paying a
    // 167 it took, so half the runs (by the seed) also empty the bowl at that coin: the claim ends short.
    const sim = stack.hopper.sim;
    const before = sim.coinsOut;
    const at = before + Math.max(1, Math.floor(credit.coins / 2));
    const bowlEmpties = ctx.random() < 0.5;
    run.facts.bowl_empties = bowlEmpties;
    sim.taps.coin = (out) => {
      if (out !== at) return;
      sim.taps.coin = undefined;
      run.facts.killed_after_coins = out - before;
      if (bowlEmpties) {
        ctx.fault('hopper_runs_empty');
        sim.faults.empty = true;
      }
      ctx.killKiosk('collect_killed_mid_payout');
    };
    const claim = await start(customer, 'collect');
    run.transactions.push(claim);
    run.claim.claimId = claim;
    await scanAndApprove(customer, claim, ctx.identity);
    await untilEnded(customer, claim, 60_000).catch(() => undefined); // the kiosk goes away mid-payout
  },
  judge(records, run) {
    const source = byId(records, run.claim?.sourceId);
    const claim = byId(records, run.claim?.claimId);
    const credit = oneCredit(source);
    const problems: string[] = [];
    if (run.facts.credit_reason !== 'cancelled_after_payment') problems.push(`the paid cancel became a ${String(run.facts.credit_reason)} credit, not cancelled_after_payment`);
    if (typeof run.facts.killed_after_coins !== 'number') problems.push('the kiosk was never killed mid-claim');
    if (claim?.kind !== 'claim' || (claim.kiosk?.jobs.length ?? 0) !== 1) problems.push(`the claim is ${claim?.kind ?? 'missing'} with ${claim?.kiosk?.jobs.length ?? 0} kiosk jobs`);
    if (claim && typeof run.facts.killed_after_coins === 'number' && claim.hopperCoins < run.facts.killed_after_coins) problems.push(`the hopper paid ${claim.hopperCoins} for the claim, fewer than the ${run.facts.killed_after_coins} out before the kill`);
    if (run.facts.bowl_empties === true && claim && claim.hopperCoins >= claim.coins) problems.push(`the bowl emptied mid-claim, yet the claim paid all ${claim.coins} coins`);
    const collected = credit?.coins_collected ?? -1;
    if (!credit || collected !== claim?.hopperCoins || credit.state !== (collected === credit.coins ? 'collected' : 'open')) {
      problems.push(`the credit is ${JSON.stringify(credit)} after the claim paid ${claim?.hopperCoins}: collected must be exactly the coins paid, the rest open`);
    }
    return { outcome: claim && credit && claim.hopperCoins === credit.coins ? 'rest_paid_after_restart' : 'rest_left_open', problems };
  },
};

export const SESSION_SCENARIOS: Scenario[] = [LATE_PAYMENT, CANCEL_RACES_JOB, COLLECT_KILLED_MID_PAYOUT];
