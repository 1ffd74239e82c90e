/**
 * One structured log line per request: id, method, route pattern, status, duration, and the
 * tenant and key id when authenticated. Never the Authorization header, the body or the key.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.ts';
import type { AppEnv } from './types.ts';

export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const actor = c.get('actor');
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: c.req.routePath,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(actor ? { tenant: actor.tenant, keyId: actor.keyId } : {}),
    };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
