import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ErrorCodes } from '../../contract/http';
import type { AppDeps, AppEnv, Deps } from './deps';
import { errorBody, errorHandler } from './http-error';
import { createJobNotifier } from './job-notifier';
import { createJobSigner } from './job-signer';
import { enrollRoutes } from './routes/enroll';
import { fleetRoutes } from './routes/fleet';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { syncRoutes } from './routes/sync';
import { transactionRoutes } from './routes/transactions';
import { worldIdRoutes } from './routes/world-id';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** The cloud HTTP API (ARCHITECTURE.md "Cloud HTTP API"), built from its deps; no listen here. */
export function createApp(appDeps: AppDeps): Hono<AppEnv> {
  const deps: Deps = {
    ...appDeps,
    signer: createJobSigner(appDeps.config.JOB_SIGNING_KEY),
    notifier: createJobNotifier(appDeps.db, appDeps.log),
  };
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound((c) => c.json(errorBody(ErrorCodes.notFound, 'no such route'), 404));
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) => c.json(errorBody(ErrorCodes.tooLarge, `send at most ${BODY_LIMIT_BYTES} bytes`), 413),
    }),
  );
  for (const routes of [healthRoutes, enrollRoutes, fleetRoutes, transactionRoutes, worldIdRoutes, jobRoutes, syncRoutes]) {
    app.route('/', routes(deps));
  }
  return app;
}
