import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ErrorCodes } from '../../contract/http';
import type { AppDeps, AppEnv, Deps } from './deps';
import { errorBody, errorHandler } from './http-error';
import { createJobNotifier } from './job-notifier';
import { createJobSigner } from './job-signer';
import { createHttpMetrics } from './metrics';
import { createLimits } from './shared-limits';
import { accessLog, ipRateLimit } from './request-guards';
import { mountApi } from './openapi';
import { validationHook } from './routes/api-route';
import { mountConsole } from './routes/console-static';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** The services built once per app (or once per process, shared by the app and the payment re-checker). */
export function buildDeps(appDeps: AppDeps): Deps {
  return {
    ...appDeps,
    signer: createJobSigner(appDeps.config.JOB_SIGNING_KEY, appDeps.config.JOB_ANNOUNCED_PUBLIC_KEYS),
    notifier: createJobNotifier(appDeps.db, appDeps.log),
    metrics: createHttpMetrics(),
    limits: createLimits(appDeps.config, appDeps.db, appDeps.log),
  };
}

/** The cloud HTTP API (ARCHITECTURE.md "Cloud HTTP API"), built from its deps; no listen here. */
export function createApp(appDeps: AppDeps | Deps): OpenAPIHono<AppEnv> {
  const deps: Deps = 'signer' in appDeps ? appDeps : buildDeps(appDeps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', accessLog(deps), ipRateLimit(deps));
  app.onError(errorHandler(deps.log));
  app.notFound((c) => c.json(errorBody(ErrorCodes.notFound, 'no such route'), 404));
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) => c.json(errorBody(ErrorCodes.tooLarge, `send at most ${BODY_LIMIT_BYTES} bytes`), 413),
    }),
  );
  mountApi(app, deps);
  mountConsole(app);
  return app;
}
