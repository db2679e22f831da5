import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { expect } from 'vitest';
import { systemClock } from '../../../contract/clock';
import type { KioskState } from '../../../contract/kiosk-api';
import { startHopperOnPty } from '../../../sim/hopper/pty';
import type { HopperSimOptions } from '../../../sim/hopper/sim-types';
import { startRealCloud, type RealCloud } from '../../../test/support/real-cloud';
import { parseKioskConfig } from '../../config';
import { getJobForTransaction } from '../../db/jobs';
import { openKioskDb } from '../../db/open-db';
import { type CcTalkDispenserOptions, createCcTalkDispenser } from '../../hardware/cctalk-dispenser';
import { PayoutJournal } from '../../hardware/payout-journal';
import { startKioskApp } from '../../kiosk-app';
import { fakeWorldId } from './fake-world-id';

/**
 * The whole kiosk core with the REAL ccTalk dispenser on a socat pty (real `serialport`) against the
 * hopper simulator, a real SQLite file and the REAL cloud (PGlite) through the test proxy. The hopper,
 * the cloud and the SQLite file outlive a kiosk: `kiosk()` starts one, `stop()` ends it (a restart is
 * `stop()` then `kiosk()` again). `books(txId)` compares coins out of the simulator with what the
 * kiosk and the cloud recorded.
 */
export async function ptyKioskRig(cleanups: (() => unknown)[], simOpts: HopperSimOptions = {}) {
  const hopper = await startHopperOnPty({ coinsPerSecond: 100, coins: 400, ...simOpts });
  cleanups.push(() => hopper.stop());
  const cloud = await startRealCloud('pglite');
  cleanups.push(() => cloud.close());
  const dir = mkdtempSync(join(tmpdir(), 'pty-kiosk-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'kiosk.sqlite');
  const enrollmentCode = await cloud.enrollmentCode();

  async function kiosk(dispenserOpts: Partial<CcTalkDispenserOptions> = {}) {
    const log = pino({ level: process.env.PTY_KIOSK_LOG ?? 'silent' });
    const config = parseKioskConfig({
      CLOUD_URL: cloud.proxy.url, HOPPER_PORT: hopper.devicePath, ENROLLMENT_CODE: enrollmentCode,
      KIOSK_DATA_DIR: dir, INVENTORY_SEED_COINS: '400', ADMIN_PIN: '2468',
    });
    const db = openKioskDb(dbPath);
    const journal = new PayoutJournal(db, systemClock);
    const dispenser = createCcTalkDispenser({
      path: hopper.devicePath, journal, clock: systemClock, log, statusPollMs: 20, replyTimeoutMs: 150, powerSettlingMs: 400, ...dispenserOpts,
    });
    const worldId = fakeWorldId();
    const app = await startKioskApp(config, { clock: systemClock, log, dispenser, db, startWorldIdRequest: worldId.start });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await app.stop();
      db.close();
    };
    cleanups.push(stop);
    const states: KioskState[] = [];
    app.api.onState((s) => states.push(s));
    const latest = () => states[states.length - 1]!;
    const waitFor = async (pred: (s: KioskState) => boolean, what: string, ms = 15_000) => {
      const end = Date.now() + ms;
      while (!(states.length > 0 && pred(latest())) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(latest(), `waiting for ${what}`).toSatisfy(pred);
      return latest();
    };
    /** A customer starts a cash-out and scans (PAYMENT_MODE=none: the job follows World ID). */
    const startCashOut = async (amountCents: number) => {
      await waitFor((s) => s.online && s.out_of_service === null && s.hopper.ok, 'the kiosk in service');
      const started = await app.api.startCashOut({ amount_cents: amountCents });
      expect(started.ok).toBe(true);
      await waitFor((s) => s.flow.screen === 'scan', 'the QR');
      worldId.approve();
      return started.ok ? started.value.transaction_id : '';
    };
    const job = (txId: string) => getJobForTransaction(db, txId);
    return { app, api: app.api, db, journal, states, latest, waitFor, startCashOut, job, stop };
  }

  /**
   * Waits until the cloud has the kiosk's final result for the transaction, then returns the books:
   * coins out of the simulator, coins the kiosk's journal and job recorded, coins the cloud recorded,
   * and the coins the cloud holds as owed.
   */
  async function books(txId: string, kioskDb: { prepare: ReturnType<typeof openKioskDb>['prepare'] }) {
    const k = kioskDb.prepare('SELECT coins, coins_paid AS paid, status FROM dispense_jobs WHERE transaction_id = ?').get(txId) as { coins: number; paid: number; status: string };
    const journalPaid = kioskDb.prepare('SELECT COALESCE(SUM(coins_paid), 0) FROM payout_intents').pluck().get() as number;
    const results = kioskDb.prepare("SELECT COUNT(*) FROM outbox WHERE type = 'payout.result' AND payload LIKE ?").pluck().get(`%${txId}%`) as number;
    const end = Date.now() + 15_000;
    let c: { status: string; coins_paid: number } | undefined;
    while (Date.now() < end) {
      c = (await cloud.cloud.db.query<{ status: string; coins_paid: number }>('SELECT status, coins_paid FROM transactions WHERE id = $1', [txId])).rows[0];
      if (c && c.status === k.status) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // the cloud's ledger of what customers are owed (credits, one row per source transaction)
    const owed = (await cloud.cloud.db.query<{ n: number }>('SELECT COALESCE(SUM(coins), 0)::int AS n FROM credits WHERE transaction_id = $1', [txId])).rows[0]?.n ?? 0;
    return {
      simulatorOut: hopper.sim.coinsOut, journalPaid, kioskPaid: k.paid, kioskStatus: k.status, payoutResults: results,
      cloudPaid: c?.coins_paid ?? null, cloudStatus: c?.status ?? null, cloudOwed: Number(owed), ordered: k.coins,
    };
  }

  return { hopper, sim: hopper.sim, cloud: cloud as RealCloud, dbPath, kiosk, books };
}
