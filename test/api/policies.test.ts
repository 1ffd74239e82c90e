/**
 * GET /v1/policies, GET /v1/policies/{policy}, POST /v1/policies against a real server and
 * database file: what decides now and when (the schedule, by the engine's rule), the draft
 * summary, creation as a draft that decides nothing until published and activated, roles, and
 * another tenant's policy answering exactly like a missing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../server/store/audit.ts';
import { eslReturn } from '../helpers/orders.ts';
import { expectProblem, expectSameAsMissing, problemPaths } from '../helpers/problems.ts';
import { etagOf, expectSchema, publish, warrantyDoc } from '../helpers/policy-docs.ts';
import { snapshotTenant } from '../helpers/route-matrix.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
const key = (tenant: 'solum' | 'soom', role: 'admin' | 'editor' | 'decider' | 'viewer') => server.key(tenant, role);

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe('GET /v1/policies', () => {
  it('lists only the tenant\'s own policies, each with its active and newest version and no draft', async () => {
    const solum = await server.get('/v1/policies', await key('solum', 'viewer'));
    expect(solum.status).toBe(200);
    expectSchema(solum.body, 'api/policy-list.schema.json');
    expect(solum.body.policies).toEqual([
      expect.objectContaining({ key: 'returns', title: 'Solum returns and refunds', activeVersion: 1, latestVersion: 2, draft: null, upcoming: [] }),
    ]);
    const soom = await server.get('/v1/policies', await key('soom', 'viewer'));
    expect(soom.body.policies.map((p: any) => p.key)).toEqual(['after-service', 'cancellation', 'layaway', 'membership', 'points', 'returns']);
  });

  it('shows an open draft (ETag, when, who), and each scheduled change of the deciding version under `upcoming`', async () => {
    const editor = await key('soom', 'editor');
    const v1 = await server.get('/v1/policies/points/versions/1', editor);
    const document = { ...v1.body.document, description: 'test: a second version' };
    const put = await server.request('PUT', '/v1/policies/points/draft', { key: editor, body: { document }, headers: { 'If-None-Match': '*' } });
    expect(put.status).toBe(201);
    let points = (await server.get('/v1/policies', await key('soom', 'viewer'))).body.policies.find((p: any) => p.key === 'points');
    expect(points.draft).toEqual({ etag: JSON.parse(etagOf(put)), baseVersion: 1, updatedAt: expect.any(String), updatedBy: (await server.actor('soom', 'editor')).keyId });

    expect((await publish(server, editor, 'points', etagOf(put), { reason: 'test: version 2, not activated' })).status).toBe(201);
    const from = new Date(Date.now() + 86_400_000).toISOString();
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const act = await server.post('/v1/policies/points/activations', { version: 2, from, until, reason: 'test: a scheduled window' }, editor);
    expect(act.status, act.text).toBe(201);

    points = (await server.get('/v1/policies', await key('soom', 'viewer'))).body.policies.find((p: any) => p.key === 'points');
    expect(points).toMatchObject({ activeVersion: 1, latestVersion: 2, draft: null });
    expect(points.upcoming).toEqual([{ from, until, version: 2 }, { from: until, until: null, version: 1 }]);
  });

  it('answers 403 to a decider key', async () => {
    expectProblem(await server.get('/v1/policies', await key('solum', 'decider')), 403);
  });
});

describe('GET /v1/policies/{policy}', () => {
  it('shows the version active at `at` with its document, and the schedule that decide follows', async () => {
    const viewer = await key('solum', 'viewer');
    const holiday = await server.get('/v1/policies/returns?at=2024-01-20T15:00:00Z', viewer);
    expect(holiday.status).toBe(200);
    expectSchema(holiday.body, 'api/policy-detail.schema.json');
    expect(holiday.body.active).toMatchObject({ version: 2, note: '2023 holiday extension', contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(holiday.body.active.document.key).toBe('returns');
    expect(holiday.body.schedule).toEqual([
      { from: null, until: '2023-10-11T00:00:00.000Z', version: 1 },
      { from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z', version: 2 },
      { from: '2024-02-01T00:00:00.000Z', until: null, version: 1 },
    ]);
    expect(holiday.body.activations.map((a: any) => a.version)).toEqual([1, 2]);

    // The schedule's boundaries are exactly where decide switches version.
    const decider = await key('solum', 'decider');
    const input = eslReturn('2023-11-15T10:00:00Z');
    for (const [at, version] of [['2024-01-31T23:59:59.999Z', 2], ['2024-02-01T00:00:00Z', 1], ['2023-10-10T23:59:59Z', 1], ['2023-10-11T00:00:00Z', 2]] as const) {
      expect((await server.post('/v1/policies/returns/decide', { input, at }, decider)).body.version, at).toBe(version);
    }
    expect((await server.get('/v1/policies/returns', viewer)).body.active.version).toBe(1);
  });

  it('answers 400 with /query/at for an `at` that is not a date-time', async () => {
    const res = await server.get('/v1/policies/returns?at=yesterday', await key('solum', 'viewer'));
    expectProblem(res, 400);
    expect(problemPaths(res)).toEqual(['/query/at']);
  });

  it('answers 404 for another tenant\'s policy exactly as for a missing one', async () => {
    const viewer = await key('solum', 'viewer');
    expectSameAsMissing(await server.get('/v1/policies/points', viewer), await server.get('/v1/policies/nopes', viewer), 'points', 'nopes');
  });

  it.each(['admin', 'editor', 'viewer'] as const)('lets a %s key read it; a decider key gets 403', async (role) => {
    expect((await server.get('/v1/policies/returns', await key('solum', role))).status).toBe(200);
    expectProblem(await server.get('/v1/policies/returns', await key('solum', 'decider')), 403);
  });
});

describe('POST /v1/policies', () => {
  it('creates a policy as a draft only: no version, and decide answers 422 no-active-version until published and activated', async () => {
    const editor = await key('solum', 'editor');
    const res = await server.post('/v1/policies', { document: warrantyDoc(), reason: 'test: new warranty policy' }, editor);
    expect(res.status, res.text).toBe(201);
    expectSchema(res.body, 'api/policy-detail.schema.json');
    expect(res.headers.get('location')).toBe('/v1/policies/warranty');
    expect(res.body).toMatchObject({ key: 'warranty', title: 'Warranty', active: null, latestVersion: null, activations: [], schedule: [{ from: null, until: null, version: null }] });
    expect(`"${res.body.draft.etag}"`).toBe(etagOf(res));

    const decide = () => server.post('/v1/policies/warranty/decide', { input: { order: {}, request: { months: 3 } } }, editor);
    expectProblem(await decide(), 422, '/problems/no-active-version');

    const published = await publish(server, editor, 'warranty', etagOf(res), { reason: 'first version', activate: {} });
    expect(published.status, published.text).toBe(201);
    const decided = await decide();
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body).toMatchObject({ policy: 'warranty', version: 1, decision: { covered: true, cost: 'free', rule: 'in-warranty' } });

    const audit = await listAudit(server.runtime.db, 'solum', { action: 'policy.create' });
    expect(audit[0]).toMatchObject({ target: 'warranty', reason: 'test: new warranty policy', actor: (await server.actor('solum', 'editor')).keyId });
  });

  it('refuses a document that does not compile with 400 and every problem\'s path under /document', async () => {
    const doc = warrantyDoc({ key: 'broken' });
    doc.rules[0].when = { frobnicate: [1] };
    delete doc.otherwise;
    const res = await server.post('/v1/policies', { document: doc }, await key('solum', 'editor'));
    expectProblem(res, 400, '/problems/invalid-body');
    expect(problemPaths(res)).toEqual(expect.arrayContaining(['/document/otherwise']));
    expect((await server.get('/v1/policies/broken', await key('solum', 'viewer'))).status).toBe(404);
  });

  it('answers 409 for a key the tenant already has, and lets another tenant use the same key', async () => {
    const res = await server.post('/v1/policies', { document: warrantyDoc({ key: 'returns' }) }, await key('solum', 'admin'));
    expectProblem(res, 409, '/problems/conflict');
    const before = await snapshotTenant(server.runtime.db, 'solum');
    const soom = await server.post('/v1/policies', { document: warrantyDoc() }, await key('soom', 'admin'));
    expect(soom.status).toBe(201);
    expect(await snapshotTenant(server.runtime.db, 'solum')).toEqual(before);
    expect((await server.get('/v1/policies/warranty', await key('soom', 'viewer'))).body.latestVersion).toBeNull();
  });

  it.each(['decider', 'viewer'] as const)('answers 403 to a %s key and creates nothing', async (role) => {
    expectProblem(await server.post('/v1/policies', { document: warrantyDoc({ key: `by-${role}` }) }, await key('solum', role)), 403);
    expect((await server.get(`/v1/policies/by-${role}`, await key('solum', 'viewer'))).status).toBe(404);
  });
});
