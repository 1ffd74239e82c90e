/**
 * Effective-date semantics over HTTP, on Solum's 2023 holiday activation ("For the 2023 Holiday
 * Season, most of the items purchased between October 11 and December 25, 2023 can be returned
 * until January 31, 2024."): a server seeded with the seed returns policy (pinTo absent, i.e.
 * "decision") and returns-by-order (the same versions and activations, pinTo "order.placedAt"),
 * test/helpers/pinned-policies.ts. Decide, batch, the decision log, replay and simulation all
 * choose the version alike, and every answer says which version decided as of which instant.
 * An order placed before any version was in force answers 422 no-active-version naming that instant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinCases, pinnedPoliciesDir } from '../helpers/pinned-policies.ts';
import { expectProblem } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let decider: string;
let editor: string;

beforeAll(async () => {
  server = await startServer({ env: { POLICIES_DIR: pinnedPoliciesDir() } });
  decider = await server.key('solum', 'decider');
  editor = await server.key('solum', 'editor');
});
afterAll(() => server?.close());

const modes = [['returns', 'decision'], ['returns-by-order', 'order.placedAt']] as const;

describe('POST /v1/policies/{policy}/decide', () => {
  for (const [name, c] of Object.entries(pinCases)) {
    it(`order ${name}: each pin mode decides with its version and says as of which instant`, async () => {
      for (const [policy, pinTo] of modes) {
        const expected = pinTo === 'decision' ? c.decision : c.order;
        const res = await server.post(`/v1/policies/${policy}/decide`, { input: c.input, at: c.at }, decider);
        expect(res.status, res.text).toBe(200);
        expect(Object.keys(res.body)).toEqual(['id', 'tenant', 'policy', 'version', 'at', 'versionAsOf', 'pinTo', 'decision']);
        expect(res.body).toMatchObject({ tenant: 'solum', policy, version: expected.version, at: c.at, versionAsOf: expected.versionAsOf, pinTo });
        expect(res.body.decision).toMatchObject({ eligible: expected.eligible, returnBy: expected.returnBy });

        // The log keeps both, and replaying with the logged version gives the logged decision.
        const logged = await server.get(`/v1/decisions/${res.body.id}`, editor);
        expect(logged.body).toMatchObject({ version: expected.version, at: c.at, versionAsOf: expected.versionAsOf, pinTo });
        const replay = await server.post(`/v1/decisions/${res.body.id}/replay`, {}, editor);
        expect(replay.body).toMatchObject({ equal: true, logged: { version: expected.version } });
      }
    });
  }

  it('lists versionAsOf and pinTo in the decision log', async () => {
    const res = await server.get('/v1/decisions?policy=returns-by-order&limit=5', editor);
    expect(res.status, res.text).toBe(200);
    expect(res.body.decisions.length).toBeGreaterThan(0);
    for (const d of res.body.decisions) {
      expect(d.pinTo).toBe('order.placedAt');
      expect(d.versionAsOf < d.at).toBe(true);
    }
  });

  it('refuses a missing or invalid placedAt under "order.placedAt" with a 400 naming /input/order/placedAt', async () => {
    const input = structuredClone(pinCases.Q.input) as { order: Record<string, unknown> };
    delete input.order.placedAt;
    const missing = await server.post('/v1/policies/returns-by-order/decide', { input, at: pinCases.Q.at }, decider);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors).toEqual([{ path: '/input/order/placedAt', message: expect.stringMatching(/^is required/) }]);
    input.order.placedAt = 'the 20th of November';
    const invalid = await server.post('/v1/policies/returns-by-order/decide', { input, at: pinCases.Q.at }, decider);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ path: '/input/order/placedAt', message: expect.stringMatching(/^must be an ISO-8601 date-time/) }]);
  });

  it('decides an order placed after `at` with the version active at `at` (a later version is not yet in force)', async () => {
    const input = structuredClone(pinCases.Q.input) as { order: Record<string, unknown> };
    input.order.placedAt = '2023-10-11T00:05:00Z';
    const res = await server.post('/v1/policies/returns-by-order/decide', { input, at: '2023-10-10T23:59:00Z' }, decider);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ version: 1, versionAsOf: '2023-10-10T23:59:00Z', pinTo: 'order.placedAt' });
  });

  it('answers 422 no-active-version naming the instant the order was placed when no version was in force then (and batch says it per item)', async () => {
    // An order-pinned copy whose only version is in force from Oct 1, 2023: P was bought Sep 20 and decided Nov 1.
    const document = structuredClone((await server.get('/v1/policies/returns-by-order/versions/1', editor)).body.document);
    document.key = 'returns-from-october';
    const created = await server.post('/v1/policies', { document, reason: 'test: in force from October' }, editor);
    expect(created.status, created.text).toBe(201);
    const published = await server.request('POST', '/v1/policies/returns-from-october/draft/publish', { key: editor, body: { reason: 'test', activate: { from: '2023-10-01T00:00:00Z' } }, headers: { 'If-Match': created.headers.get('etag')! } });
    expect(published.status, published.text).toBe(201);

    const DETAIL = 'no version of policy "returns-from-october" was active at 2023-09-20T10:00:00Z, when the order was placed (the version active at 2023-11-01T12:00:00Z pins decisions to order.placedAt)';
    const res = await server.post('/v1/policies/returns-from-october/decide', { input: pinCases.P.input, at: pinCases.P.at }, decider);
    expectProblem(res, 422, '/problems/no-active-version');
    expect(res.body.detail).toBe(DETAIL);
    // Q was bought Nov 20, with version 1 in force: decided as of that instant.
    const q = await server.post('/v1/policies/returns-from-october/decide', { input: pinCases.Q.input, at: pinCases.Q.at }, decider);
    expect(q.status, q.text).toBe(200);
    expect(q.body).toMatchObject({ version: 1, versionAsOf: '2023-11-20T10:00:00Z', pinTo: 'order.placedAt' });

    const batch = await server.post('/v1/policies/returns-from-october/decide/batch', { requests: [{ input: pinCases.P.input, at: pinCases.P.at }, { input: pinCases.Q.input, at: pinCases.Q.at }] }, decider);
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body.results[0]).toMatchObject({ status: 422, type: '/problems/no-active-version', detail: DETAIL });
    expect(batch.body.results[1]).toMatchObject({ version: 1, versionAsOf: '2023-11-20T10:00:00Z' });
  });

  it('batch decide chooses each request\'s version by its own order, problems per item', async () => {
    const broken = structuredClone(pinCases.P.input) as { order: Record<string, unknown> };
    delete broken.order.placedAt;
    const res = await server.post('/v1/policies/returns-by-order/decide/batch', {
      requests: [{ input: pinCases.P.input, at: pinCases.P.at }, { input: pinCases.Q.input, at: pinCases.Q.at }, { input: broken, at: pinCases.P.at }],
    }, decider);
    expect(res.status, res.text).toBe(200);
    const [p, q, bad] = res.body.results;
    expect(p).toMatchObject({ version: 1, versionAsOf: pinCases.P.order.versionAsOf });
    expect(q).toMatchObject({ version: 2, versionAsOf: pinCases.Q.order.versionAsOf, decision: { returnBy: '2024-01-31' } });
    expect(bad).toMatchObject({ status: 400, errors: [{ path: '/input/order/placedAt' }] });
  });
});

describe('simulation compares with the version the pin chooses', () => {
  const orders = Object.entries(pinCases).map(([id, c]) => ({ id, input: c.input, at: c.at }));

  it('the active baseline of an order-pinned policy is the version active when each order was placed', async () => {
    // Candidate: version 1 for every case. P's baseline is version 1 too (placed Sep 20): unchanged.
    // Q's baseline is version 2 (placed Nov 20): returnBy moves from 2024-01-31 back to 2023-12-23.
    const res = await server.post('/v1/policies/returns-by-order/simulate', { candidate: { version: 1 }, cases: { orders } }, editor);
    expect(res.status, res.text).toBe(200);
    expect(res.body.summary).toMatchObject({ evaluated: 2, changed: 1 });
    expect(res.body.changes).toHaveLength(1);
    expect(res.body.changes[0]).toMatchObject({ id: 'Q', baselineVersion: 2, baselineAsOf: '2023-11-20T10:00:00Z' });
    expect(res.body.changes[0].changes).toContainEqual({ path: '/returnBy', before: '2024-01-31', after: '2023-12-23' });

    // The decision-pinned seed: Q's baseline is version 1 (Feb 10), P's version 2 (Nov 1): nothing changes
    // for Q, and P decides the same with both versions (bought before the holiday range).
    const seed = await server.post('/v1/policies/returns/simulate', { candidate: { version: 1 }, cases: { orders } }, editor);
    expect(seed.body.summary).toMatchObject({ evaluated: 2, changed: 0 });
  });

  it('over logged decisions too, and an order without placedAt is that case\'s baseline error', async () => {
    const broken = structuredClone(pinCases.Q.input) as { order: Record<string, unknown> };
    delete broken.order.placedAt;
    const res = await server.post('/v1/policies/returns-by-order/simulate', { candidate: { version: 1 }, cases: { orders: [{ id: 'no-date', input: broken, at: pinCases.Q.at }] } }, editor);
    expect(res.status, res.text).toBe(200);
    expect(res.body.summary.errors.before).toBe(1);
    expect(res.body.errors[0]).toMatchObject({ id: 'no-date', before: { kind: 'input', problems: [{ path: '/order/placedAt' }] } });

    const logged = await server.post('/v1/policies/returns-by-order/simulate', { candidate: { version: 1 }, cases: { decisions: { from: '2023-01-01T00:00:00Z' } } }, editor);
    expect(logged.status, logged.text).toBe(200);
    for (const change of logged.body.changes) expect(change).toMatchObject({ baselineVersion: 2, baselineAsOf: '2023-11-20T10:00:00Z' });
    expect(logged.body.changes.length).toBeGreaterThan(0);
  });
});
