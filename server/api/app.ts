/**
 * The one app factory, used by main.ts and the tests alike. It installs, in order: request ids
 * (X-Request-Id), the request log, HTTP metrics, the per-address rate limit of the public
 * routes, the request timeout, the body-size limit and key authentication (with its rate
 * limits) on /v1/*, then every resource's routes, registered here and nowhere else; errors of any kind
 * leave as application/problem+json through one handler.
 *
 * Adding a resource: write server/api/routes/<resource>.ts exporting register<Resource>(app,
 * deps) with thin handlers (read the body with readJsonBody, check `allow(permission)`, call a
 * service verb with c.get('actor')), and call it below.
 *
 * @example
 *   const app = createApp(runtime);
 *   serve({ fetch: app.fetch, port: 8787 });
 *   await app.request('/healthz');   // in-process, in tests
 */
import { prometheus } from '@hono/prometheus';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { ServiceError } from '../errors.ts';
import { authenticate } from './auth.ts';
import { bodyLimit } from './body-limit.ts';
import { problemResponse } from './problem.ts';
import { createRateLimits, limitPublicRoutes } from './rate-limit.ts';
import { requestTimeout } from './request-timeout.ts';
import { requestLog } from './request-log.ts';
import { registerActivations } from './routes/activations.ts';
import { registerAudit } from './routes/audit.ts';
import { registerDecide } from './routes/decide.ts';
import { registerDecisions } from './routes/decisions.ts';
import { registerDocs } from './routes/docs.ts';
import { registerDrafts } from './routes/drafts.ts';
import { registerEditor } from './routes/editor.ts';
import { registerHealth } from './routes/health.ts';
import { registerPolicies } from './routes/policies.ts';
import { registerKeys } from './routes/keys.ts';
import { registerMe } from './routes/me.ts';
import { registerSamples } from './routes/samples.ts';
import { registerSimulate } from './routes/simulate.ts';
import { registerSimulateTenant } from './routes/simulate-tenant.ts';
import { registerTenants } from './routes/tenants.ts';
import { registerVersions } from './routes/versions.ts';
import type { AppDeps, AppEnv } from './types.ts';

export type { AppDeps, AppEnv } from './types.ts';

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { printMetrics, registerMetrics } = prometheus({
    registry: deps.metrics.registry,
    prefix: 'policy_',
    // Decide answers in well under a millisecond: the default buckets start at 5 ms.
    // (The option's declared type is a union that loses `buckets`; the library does pass it on.)
    metricOptions: { requestDuration: { buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] } as never },
  });

  app.use('*', requestId());
  app.use('*', requestLog(deps.logger));
  app.use('*', registerMetrics);
  // Limits (README "Limits"): requests without a valid key per address, the wall-clock limit,
  // then below the body size and, with the key, the per-key rate.
  const limits = createRateLimits(deps.config, deps.metrics);
  app.use('*', limitPublicRoutes(limits));
  app.use('*', requestTimeout(deps.config.requestTimeoutMs));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      // The rest of the body is not read: close the connection so the client does not reuse a
      // socket the server is about to drop (RFC 9110 §15.5.14).
      onError: (c) =>
        problemResponse(c, new ServiceError('payload_too_large', `the body is larger than ${deps.config.bodyLimitBytes} bytes (BODY_LIMIT_BYTES)`, [], { headers: { Connection: 'close' } })),
    }),
  );
  app.use('/v1/*', authenticate(deps.auth, limits));

  registerHealth(app, deps, printMetrics);
  registerDocs(app, deps);
  registerDecide(app, deps);
  registerPolicies(app, deps);
  registerDrafts(app, deps);
  registerVersions(app, deps);
  registerSimulate(app, deps);
  registerSimulateTenant(app, deps);
  registerDecisions(app, deps);
  registerMe(app, deps);
  registerActivations(app, deps);
  registerSamples(app, deps);
  registerKeys(app, deps);
  registerAudit(app, deps);
  registerTenants(app, deps);
  registerEditor(app, deps); // last: the editor's files and its paths, never /v1

  app.notFound((c) => problemResponse(c, new ServiceError('not_found', `no route ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => problemResponse(c, err, deps.logger));
  return app;
}
