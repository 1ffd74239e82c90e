/** GET /healthz and GET /metrics: no key needed; problem+json for unknown routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe('operations routes', () => {
  it('reports health after checking the database', async () => {
    const res = await server.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { ok: true }, decisionLog: { queued: 0 } });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('exposes Prometheus metrics: requests by route and status, decisions by tenant and policy, the log queue', async () => {
    await server.post('/v1/policies/points/decide', { input: {} }, await server.key('soom', 'decider'));
    const res = await server.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/policy_http_requests_total\{method="POST",route="\/v1\/policies\/:policy\/decide",status="\d+",ok="\w+"\} 1/);
    expect(res.text).toContain('policy_http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/policy_decisions_total\{tenant="soom",policy="points",outcome="\w+"\} 1/);
    expect(res.text).toContain('policy_decision_log_queue_depth 0');
    expect(res.text).toContain('policy_decision_log_flush_batch_size_count');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await server.get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.instance).toBe(`urn:request:${res.headers.get('x-request-id')}`);
  });

  it('honours an incoming X-Request-Id', async () => {
    const res = await server.request('GET', '/healthz', { headers: { 'X-Request-Id': 'trace-me-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
  });

  it('replaces an incoming X-Request-Id that is not a plain token of at most 255 characters', async () => {
    for (const id of ['has space', 'a'.repeat(256), 'semi;colon']) {
      const res = await server.request('GET', '/healthz', { headers: { 'X-Request-Id': id } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const longest = 'b'.repeat(255);
    expect((await server.request('GET', '/healthz', { headers: { 'X-Request-Id': longest } })).headers.get('x-request-id')).toBe(longest);
  });

  it('sends the request id once on an error answer', async () => {
    const res = await fetch(`${server.url}/nowhere`, { headers: { 'X-Request-Id': 'once-1' } });
    expect(res.headers.get('x-request-id')).toBe('once-1');
    await res.arrayBuffer();
  });
});
