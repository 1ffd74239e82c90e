/**
 * The one app factory, used by main.ts and the tests alike. It installs, in order: the envelope
 * (request id, per-address rate limit of the public routes, request timeout, HTTP metrics and
 * the request log line: envelope.ts), the body-size limit and key authentication (with its rate
 * limits) on /v1/*, then every resource's routes, registered here and nowhere else; errors of
 * any kind leave as application/problem+json through one handler.
 *
 * Adding a resource: write server/api/routes/<resource>.ts exporting register<Resource>(app,
 * deps) with thin handlers registered through `route()` (route-spec.ts: the role's permission
 * and the body's schema are checked there), calling a service verb with c.get('actor'), and call it below.
 *
 * @example
 *   const app = createApp(runtime);
 *   serve({ fetch: app.fetch, port: 8787 });
 *   await app.request('/healthz');   // in-process, in tests
 */
import { Hono } from 'hono';
import { ServiceError } from '../errors.ts';
import { authenticate } from './auth.ts';
import { bodyLimit } from './body-limit.ts';
import { problemResponse } from './problem.ts';
import { envelope } from './envelope.ts';
import { createRateLimits } from './rate-limit.ts';
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
  // Request id, public-route limit, request timeout, then metrics and the log line (README "Limits").
  const limits = createRateLimits(deps.config, deps.metrics);
  app.use('*', envelope({ logger: deps.logger, metrics: deps.metrics, limits, timeoutMs: deps.config.requestTimeoutMs, onError: (err, c) => problemResponse(c, err, deps.logger) }));
  // Below the body size and, with the key, the per-key rate.
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

  registerHealth(app, deps);
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
