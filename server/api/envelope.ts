/**
 * What every request goes through first, as one middleware: its id (X-Request-Id), the
 * per-address limit of the public routes, the request timeout, and once it is answered its
 * HTTP metrics and its log line.
 *
 * One layer instead of five (hono/request-id, a request logger, @hono/prometheus, the public
 * limit, the timeout): each Hono middleware is an async function, a promise and a closure per
 * request, and a decide pays for every layer. Measured under decide load (bench/profile-decide.ts,
 * interleaved pairs): see bench/http-findings.md, "What each change bought".
 *
 * The request id is written onto Node's response directly when the app runs on
 * @hono/node-server (Node merges it into the headers it writes): `c.header()` before the route
 * answers would give every answer a WHATWG Headers object for @hono/node-server to convert.
 *
 * The log line: id, method, route pattern, path, status, duration, and the tenant and key id
 * when authenticated. Never the Authorization header, the body or the key. Errors of the limit
 * and the timeout are answered by the app's one error handler (`onError`), as any other.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import type { HttpLabel, Metrics } from '../metrics.ts';
import type { RateLimits } from './rate-limit.ts';
import { limitPublicRoute } from './rate-limit.ts';
import { withinDeadline } from './request-timeout.ts';
import type { AppEnv } from './types.ts';

const REQUEST_ID = 'X-Request-Id';
/** A client's own id is kept when it is a plain token of at most 255 characters (as hono/request-id). */
const CLIENT_ID = /^[\w\-=]{1,255}$/;
/** Label sets kept resolved; past this many (methods × routes × statuses, bounded anyway) the table starts again. */
const MAX_LABEL_SETS = 1_000;

export interface EnvelopeOptions {
  logger: Logger;
  metrics: Pick<Metrics, 'httpRequests' | 'httpDuration'>;
  limits: RateLimits;
  /** REQUEST_TIMEOUT_MS (0: none). */
  timeoutMs: number;
  /** The app's error handler: the answer for an error thrown here. */
  onError: (err: unknown, c: Context<AppEnv>) => Response;
}

export function envelope(options: EnvelopeOptions): MiddlewareHandler<AppEnv> {
  const { limits, timeoutMs, onError } = options;
  // The line's fields are fixed (above) and none is a redacted path (authorization, key,
  // secret), so redaction could never change it: a child without it writes the same bytes at
  // ~60% of the cost (measured 5.8 → 3.5 µs a line), on every request.
  const lines = options.logger.child({}, { redact: [] });
  const observe = httpObserver(options.metrics);

  return async (c, next) => {
    const started = performance.now();
    let id = c.req.header(REQUEST_ID);
    if (id === undefined || !CLIENT_ID.test(id)) id = crypto.randomUUID();
    c.set('requestId', id);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing && typeof outgoing.setHeader === 'function') outgoing.setHeader(REQUEST_ID, id);
    else c.header(REQUEST_ID, id);

    try {
      limitPublicRoute(limits, c);
      await withinDeadline(c, next, timeoutMs);
    } catch (err) {
      c.res = onError(err, c);
    }

    const ms = performance.now() - started;
    const status = c.res.status;
    const route = c.req.routePath;
    observe(c.req.method, route, status, ms / 1000);
    const actor = c.get('actor');
    const line = {
      requestId: id,
      method: c.req.method,
      route,
      path: c.req.path,
      status,
      ms: Math.round(ms * 100) / 100,
      ...(actor ? { tenant: actor.tenant, keyId: actor.keyId } : {}),
    };
    if (status >= 500) lines.error(line, 'request');
    else lines.info(line, 'request');
  };
}

/** Counts and times a request, with each label set resolved once (prom-client hashes labels on every call otherwise). */
function httpObserver(metrics: EnvelopeOptions['metrics']): (method: string, route: string, status: number, seconds: number) => void {
  const children = new Map<string, { count: { inc(): void }; duration: { observe(value: number): void } }>();
  return (method, route, status, seconds) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      if (children.size >= MAX_LABEL_SETS) children.clear();
      const labels: Record<HttpLabel, string> = { method, route, status: String(status), ok: String(status >= 200 && status < 300) };
      child = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  };
}
