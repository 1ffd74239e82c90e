/**
 * Operations routes, no key needed: GET /healthz (the database answers, the decision log is
 * accepting) and GET /metrics (Prometheus text format). Both say nothing about any tenant's
 * data beyond the metric labels; bind HOST to a private interface to keep /metrics private.
 */
import type { Hono } from 'hono';
import { ServiceError } from '../../errors.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export function registerHealth(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/healthz', async (c) => {
    const started = performance.now();
    try {
      await deps.db.execute('SELECT 1');
    } catch (err) {
      deps.logger.error({ err }, 'health check: database unreachable');
      throw new ServiceError('unavailable', 'database unreachable');
    }
    return c.json({ status: 'ok', database: { ok: true, ms: Math.round((performance.now() - started) * 100) / 100 }, decisionLog: { queued: deps.log.depth } });
  });

  app.get('/metrics', async (c) => c.text(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType }));
}
