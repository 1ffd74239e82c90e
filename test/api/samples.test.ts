/**
 * Samples against a real server: list (filtered by policy), get with the order, add (checked
 * against schemas/sample.schema.json and then each named policy's input schema, with paths
 * into the posted sample), 409 on a taken name, delete; every role; another tenant's sample
 * answering 404 exactly like a missing one; every change in the audit log.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from '../helpers/orders.ts';
import { expectProblem, expectSameAsMissing, expectSchema, problemPaths } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

type Role = 'admin' | 'editor' | 'decider' | 'viewer';
let server: TestServer;
const key = (role: Role, tenant = 'solum') => server.key(tenant, role);
const soomSample = 'soom-points-member-delivered-year-end';

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

/** A valid new Solum sample: a seed sample under another name. */
function newSample(name: string): Record<string, any> {
  const { $schema: _schema, ...doc } = sample('solum', 'solum-holiday-asked-feb-20') as any;
  return { ...doc, name, description: 'Test: a holiday purchase asked about after the extension ended.' };
}
const post = async (body: unknown, role: Role = 'editor') => server.post('/v1/samples', body, await key(role));
const remove = async (name: string, role: Role = 'editor') => server.request('DELETE', `/v1/samples/${name}`, { key: await key(role) });

describe('GET /v1/samples', () => {
  it('lists every seeded sample of the tenant by name, with the policies each serves and no order', async () => {
    const res = await server.get('/v1/samples', await key('viewer'));
    expect(res.status).toBe(200);
    expectSchema(res, 'api/sample-list.schema.json');
    const files = readdirSync('policies/solum/samples').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    expect(res.body.samples.map((s: any) => s.name)).toEqual(files);
    expect(res.body.samples[0]).toEqual({ name: files[0], description: expect.any(String), at: expect.stringMatching(/Z$/), policies: ['returns'], createdAt: expect.any(String), createdBy: 'seed' });
  });

  it('filters by policy: Soom\'s samples for points are only those with a points request', async () => {
    const all = (await server.get('/v1/samples', await key('viewer', 'soom'))).body.samples;
    const points = (await server.get('/v1/samples?policy=points', await key('viewer', 'soom'))).body.samples;
    expect(points.length).toBeGreaterThan(0);
    expect(points.length).toBeLessThan(all.length);
    expect(points).toEqual(all.filter((s: any) => s.policies.includes('points')));
    expect((await server.get('/v1/samples?policy=points', await key('viewer'))).body.samples).toEqual([]);
  });

  it('answers 400 at /query/policy to a malformed policy key', async () => {
    const res = await server.get('/v1/samples?policy=Not%20a%20key', await key('viewer'));
    expectProblem(res, 400, '/problems/invalid-query');
    expect(problemPaths(res)).toEqual(['/query/policy']);
  });
});

describe('GET /v1/samples/{name}', () => {
  it('answers the sample with its order and requests', async () => {
    const res = await server.get('/v1/samples/solum-holiday-asked-feb-20', await key('viewer'));
    expect(res.status).toBe(200);
    expectSchema(res, 'api/sample-view.schema.json');
    const { $schema: _schema, ...file } = sample('solum', 'solum-holiday-asked-feb-20') as any;
    expect(res.body).toEqual({ ...file, policies: ['returns'], createdAt: expect.any(String), createdBy: 'seed' });
  });

  it('answers 404 for another tenant\'s sample exactly as for a missing one', async () => {
    const viewer = await key('viewer');
    expect((await server.get(`/v1/samples/${soomSample}`, await key('viewer', 'soom'))).status).toBe(200);
    expectSameAsMissing(await server.get(`/v1/samples/${soomSample}`, viewer), await server.get('/v1/samples/no-such-sample', viewer), soomSample, 'no-such-sample');
  });
});

describe('POST /v1/samples', () => {
  it('adds a sample (201, Location), lists it and audits it with the key and role', async () => {
    const res = await post(newSample('test-added'));
    expect(res.status).toBe(201);
    expectSchema(res, 'api/sample-view.schema.json');
    expect(res.headers.get('location')).toBe('/v1/samples/test-added');
    expect(res.body).toMatchObject({ name: 'test-added', policies: ['returns'], createdBy: (await server.actor('solum', 'editor')).keyId });
    expect((await server.get('/v1/samples/test-added', await key('viewer'))).body).toEqual(res.body);
    const audit = await server.get('/v1/audit?action=sample.create&target=test-added', await key('viewer'));
    expect(audit.body.entries).toEqual([expect.objectContaining({ actor: res.body.createdBy, role: 'editor', detail: { at: res.body.at, policies: ['returns'] } })]);
  });

  it('answers 409 to a name already taken, and keeps the first', async () => {
    const again = newSample('test-added');
    again.description = 'Test: a second sample under the same name.';
    const res = await post(again, 'admin');
    expectProblem(res, 409, '/problems/conflict');
    expect(problemPaths(res)).toEqual(['/name']);
    expect((await server.get('/v1/samples/test-added', await key('viewer'))).body.description).toMatch(/^Test: a holiday/);
  });

  it('answers 400 with the paths of schemas/sample.schema.json problems', async () => {
    const bad = newSample('Bad Name');
    delete bad.at;
    bad.order.payment.method = 'cash';
    bad.extra = true;
    const res = await post(bad);
    expectProblem(res, 400, '/problems/invalid-body');
    expect(problemPaths(res)).toEqual(['/at', '/extra', '/name', '/order/payment/method']);
  });

  it('answers 400 with paths into the sample when a request does not match its policy\'s input schema', async () => {
    const bad = newSample('test-bad-request');
    bad.requests.returns.reason = 'bored';
    bad.requests.returns.items[0].condition = 'meh';
    delete bad.requests.returns.refundMethod;
    const res = await post(bad);
    expectProblem(res, 400, '/problems/invalid-body');
    expect(problemPaths(res)).toEqual(['/requests/returns/items/0/condition', '/requests/returns/reason', '/requests/returns/refundMethod']);
    expect(res.body.errors[0].message).toMatch(/input schema of returns@\d/);
    expectProblem(await server.get('/v1/samples/test-bad-request', await key('viewer')), 404);
  });

  it('answers 400 at /requests/<policy> for a policy of another tenant, exactly as for a missing one', async () => {
    const foreign = newSample('test-foreign-policy');
    foreign.requests = { points: {} };
    const missing = newSample('test-foreign-policy');
    missing.requests = { 'no-such-policy': {} };
    const f = await post(foreign);
    const m = await post(missing);
    expectProblem(f, 400);
    expect(f.body.errors).toEqual([{ path: '/requests/points', message: 'there is no policy "points"' }]);
    expect(m.body.errors).toEqual([{ path: '/requests/no-such-policy', message: 'there is no policy "no-such-policy"' }]);
  });

  it('answers 403 to decider and viewer keys and adds nothing', async () => {
    for (const role of ['decider', 'viewer'] as const) expectProblem(await post(newSample(`test-by-${role}`), role), 403);
    const names = (await server.get('/v1/samples', await key('viewer'))).body.samples.map((s: any) => s.name);
    expect(names).not.toContain('test-by-decider');
    expect(names).not.toContain('test-by-viewer');
  });

  it('keeps tenants apart: Soom may use a name Solum has, and each sees its own', async () => {
    const soom = sample('soom', soomSample) as any;
    const res = await server.post('/v1/samples', { ...soom, $schema: undefined, name: 'test-added' }, await key('editor', 'soom'));
    expect(res.status).toBe(201);
    expect((await server.get('/v1/samples/test-added', await key('viewer', 'soom'))).body.policies).toEqual(res.body.policies);
    expect((await server.get('/v1/samples/test-added', await key('viewer'))).body.policies).toEqual(['returns']);
  });
});

describe('DELETE /v1/samples/{name}', () => {
  it('answers 403 to decider and viewer keys and keeps the sample', async () => {
    for (const role of ['decider', 'viewer'] as const) expectProblem(await remove('test-added', role), 403);
    expect((await server.get('/v1/samples/test-added', await key('viewer'))).status).toBe(200);
  });

  it('answers 404 for another tenant\'s sample exactly as for a missing one, and deletes nothing', async () => {
    expectSameAsMissing(await remove(soomSample, 'admin'), await remove('no-such-sample', 'admin'), soomSample, 'no-such-sample');
    expect((await server.get(`/v1/samples/${soomSample}`, await key('viewer', 'soom'))).status).toBe(200);
  });

  it('deletes (204), keeps the document in the audit entry, and answers 404 after', async () => {
    const before = (await server.get('/v1/samples/test-added', await key('viewer'))).body;
    const res = await server.request('DELETE', '/v1/samples/test-added?reason=test%3A%20done', { key: await key('admin') });
    expect(res.status).toBe(204);
    expectProblem(await server.get('/v1/samples/test-added', await key('viewer')), 404);
    expectProblem(await remove('test-added'), 404);
    const audit = await server.get('/v1/audit?action=sample.delete&target=test-added', await key('viewer'));
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({ role: 'admin', reason: 'test: done' });
    expect(audit.body.entries[0].detail.document.order).toEqual(before.order);
    // Soom's sample of the same name is untouched.
    expect((await server.get('/v1/samples/test-added', await key('viewer', 'soom'))).status).toBe(200);
  });
});
