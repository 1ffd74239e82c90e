/**
 * Renders any thrown value as an application/problem+json response (server/errors.ts decides
 * the body), and logs what the client is not told: the cause of every 5xx.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_CONTENT_TYPE, ServiceError, toProblem } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AppEnv } from './types.ts';

export function problemResponse(c: Context<AppEnv>, err: unknown, logger?: Logger): Response {
  const requestId = c.get('requestId');
  const problem = toProblem(err, requestId);
  if (problem.status >= 500) logger?.error({ err, requestId, path: c.req.path }, 'request failed');
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE, ...(err instanceof ServiceError ? err.extra.headers : {}) };
  if (problem.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="policy-service"';
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, headers);
}
