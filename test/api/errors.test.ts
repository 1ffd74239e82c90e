/**
 * Errors leave as RFC 9457 problems through one handler. In-process (app.request): the point is
 * the rendering, not the network. A 5xx names the request id and nothing of its cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/api/app.ts';
import { ERROR_STATUS, ServiceError, toProblem } from '../../server/errors.ts';
import { createMetrics } from '../../server/metrics.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startServer();
  key = await server.key('solum', 'decider');
});
afterAll(() => server?.close());

/** The real app over the real runtime, with a decider that fails as a bug would. */
function brokenApp(err: unknown) {
  const fail = async () => {
    throw err;
  };
  // Its own metrics registry: HTTP metrics are registered once per app.
  return createApp({ ...server.runtime, metrics: createMetrics({ queueDepth: () => 0, defaultMetrics: false }), decider: { decide: fail, decideBatch: fail } });
}

const post = (app: ReturnType<typeof createApp>, body = '{"input": {}}') =>
  app.request('/v1/policies/returns/decide', { method: 'POST', body, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });

describe('problem+json', () => {
  it('renders an unexpected error as a 500 that says nothing but the request id', async () => {
    const res = await post(brokenApp(new Error('SQLITE_CORRUPT in table decisions at /srv/data/policy.db')));
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    const id = res.headers.get('x-request-id')!;
    expect(body).toEqual({ type: '/problems/internal', title: 'Internal server error', status: 500, detail: `The request failed; quote request id ${id} when reporting it.`, instance: `urn:request:${id}`, errors: [] });
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|decisions|policy\.db/);
  });

  it('renders a 503 with its Retry-After, still without the cause', async () => {
    const res = await post(brokenApp(new ServiceError('unavailable', 'the decision log is closed (shutting down)', [], { headers: { 'Retry-After': '1' } })));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).detail).not.toContain('decision log');
  });

  it('renders a domain error with its code, detail and path-named errors', async () => {
    const res = await post(brokenApp(new ServiceError('conflict', 'the draft changed', [{ path: '/document', message: 'stale' }])));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ type: '/problems/conflict', title: 'Conflict', status: 409, detail: 'the draft changed', errors: [{ path: '/document', message: 'stale' }] });
  });

  it('maps every code of the closed list to a 4xx or 5xx status and a title', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      const problem = toProblem(new ServiceError(code as keyof typeof ERROR_STATUS, 'x'), 'r1');
      expect(problem.status).toBe(status);
      expect(problem.title.length).toBeGreaterThan(0);
      expect(problem.type).toBe(`/problems/${code.replace(/_/g, '-')}`);
    }
  });
});
