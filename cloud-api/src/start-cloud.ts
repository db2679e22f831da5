import { startCloudScheduler, type CloudScheduler } from './scheduler/cloud-scheduler';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../contract/clock';
import { buildDeps, createApp } from './app';
import type { CloudConfig } from './config';
import type { Db } from './db/db';
import { migrate } from './db/migrate';
import { openPgDb } from './db/pg-adapter';
import { openPgliteDb } from './db/pglite-adapter';
import { createCloudLogger } from './log';
import { startPaymentRechecker } from './payments/payment-rechecker';
import { startWebhookSender, type WebhookSender } from './webhooks/deliver';

export interface StartCloudOptions {
  clock?: Clock;
  log?: Logger;
  /** Use this database instead of opening one from the config (tests). Closed by close(). */
  db?: Db;
}

export interface RunningCloud {
  url: string;
  db: Db;
  /** This instance's scheduled work (tests watch its firings). */
  scheduler: CloudScheduler;
  /** This instance's webhook sender (tests kick it after advancing the clock). */
  webhooks: WebhookSender;
  close(): Promise<void>;
}

/** Postgres when DATABASE_URL is set, else PGlite in DATA_DIR (ARCHITECTURE.md "Processes"). */
export async function openCloudDb(config: CloudConfig): Promise<Db> {
  if (!config.DATABASE_URL) return openPgliteDb(config.DATA_DIR);
  return openPgDb(config.DATABASE_URL, {
    listenUrl: config.DATABASE_LISTEN_URL,
    poolMax: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    prepared: config.DATABASE_PREPARED_STATEMENTS,
  });
}

/** Opens the database, migrates, and serves the API on HOST:PORT (PORT 0 = any free port). */
export async function startCloud(config: CloudConfig, opts: StartCloudOptions = {}): Promise<RunningCloud> {
  const log = opts.log ?? createCloudLogger();
  const db = opts.db ?? (await openCloudDb(config));
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'database migrated');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const deps = buildDeps({ db, config, clock: opts.clock ?? systemClock, log });
  const app = createApp(deps);
  // world-id.md: a pending payment is checked again with backoff even when the mini app page was closed.
  const rechecker = config.PAYMENT_MODE === 'world_app' ? startPaymentRechecker(deps) : undefined;
  // issue 4: expire unpaid transactions, return expired leases, retention; each firing runs on one instance.
  const scheduler = startCloudScheduler({ db, clock: deps.clock, log, config });
  // issue 17: webhook alerts, sent once across instances (SKIP LOCKED claims), woken by NOTIFY at the emitting commit.
  const webhooks = startWebhookSender(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  log.info({ url, db: db.kind }, 'cloud API listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    db,
    scheduler,
    webhooks,
    close: () =>
      (closing ??= (async () => {
        await rechecker?.stop();
        await scheduler.stop();
        await webhooks.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await deps.limits.close();
        await db.close();
      })()),
  };
}
