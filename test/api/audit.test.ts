/**
 * GET /v1/audit against a real server: an entry for every change made through the
 * activations, samples and keys routes (with the key id and role, the reason and the detail),
 * none for a decision (that is in the decision log), newest first, filters, keyset paging that
 * neither repeats nor skips when rows arrive meanwhile, query problems with /query paths,
 * roles, and never another tenant's entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDecision } from '../../server/store/decisions.ts';
import { sample, eslReturn } from '../helpers/orders.ts';
import { expectProblem, expectSchema, problemPaths } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

type Role = 'admin' | 'editor' | 'decider' | 'viewer';
let server: TestServer;
const key = (role: Role, tenant = 'solum') => server.key(tenant, role);
const audit = async (query = '', role: Role = 'viewer', tenant = 'solum') => server.get(`/v1/audit${query}`, await key(role, tenant));

/** Every entry matching the query, following nextCursor page by page. */
async function everything(query: string, limit: number): Promise<any[]> {
  const entries: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await audit(`?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expectSchema(res, 'api/audit-page.schema.json');
    expect(res.body.entries.length).toBeLessThanOrEqual(limit);
    entries.push(...res.body.entries);
    cursor = res.body.nextCursor;
  } while (cursor);
  return entries;
}

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe('every change through the API is audited, with who, what, why', () => {
  it('records activation, sample and key changes under the acting key and its role; a decide adds none', async () => {
    const admin = await key('admin');
    const { keyId } = await server.actor('solum', 'admin');
    const made = await server.post('/v1/policies/returns/activations', { version: 2, from: '2099-01-01T00:00:00Z', reason: 'test: a' }, admin);
    await server.request('DELETE', `/v1/policies/returns/activations/${made.body.id}?reason=test%3A%20b`, { key: admin });
    const { $schema: _s, ...doc } = sample('solum', 'solum-holiday-asked-feb-20') as any;
    await server.post('/v1/samples', { ...doc, name: 'test-audited' }, admin);
    await server.request('DELETE', '/v1/samples/test-audited?reason=test%3A%20d', { key: admin });
    const created = await server.post('/v1/keys', { role: 'viewer', reason: 'test: e' }, admin);
    await server.request('DELETE', `/v1/keys/${created.body.key.id}?reason=test%3A%20f`, { key: admin });

    const before = await everything('', 500);
    const decided = await server.post('/v1/policies/returns/decide', { input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' }, admin);
    expect(decided.status).toBe(200);
    expect(await getDecision(server.runtime.db, 'solum', decided.body.id)).toMatchObject({ id: decided.body.id, policy: 'returns', version: 1 });
    expect(await everything('', 500)).toEqual(before);

    const mine = (await audit(`?actor=${keyId}`)).body.entries;
    expect(mine.map((e: any) => [e.action, e.role, e.reason])).toEqual([
      ['key.revoke', 'admin', 'test: f'],
      ['key.create', 'admin', 'test: e'],
      ['sample.delete', 'admin', 'test: d'],
      ['sample.create', 'admin', null],
      ['activation.delete', 'admin', 'test: b'],
      ['activation.create', 'admin', 'test: a'],
    ]);
    expect(mine.map((e: any) => e.target)).toEqual([created.body.key.id, created.body.key.id, 'test-audited', 'test-audited', 'returns@2', 'returns@2']);
    expect(mine.every((e: any) => e.actor === keyId && /^\d{4}-.*Z$/.test(e.at))).toBe(true);
  });

  it('names seeded changes with the actor "seed" and no role', async () => {
    const seeded = (await audit('?actor=seed&action=version.publish')).body.entries;
    expect(seeded.map((e: any) => e.target).sort()).toEqual(['returns@1', 'returns@2']);
    expect(seeded.every((e: any) => e.role === null)).toBe(true);
  });
});

describe('filters and paging', () => {
  it('answers newest first, and pages through everything with the cursor without repeats or gaps', async () => {
    const all = (await audit('?limit=500')).body;
    expect(all.nextCursor).toBeNull();
    const at = all.entries.map((e: any) => e.at);
    expect(at).toEqual([...at].sort().reverse());
    expect(await everything('', 7)).toEqual(all.entries);
    expect((await audit()).body.entries).toHaveLength(Math.min(50, all.entries.length));
  });

  it('keeps its place when changes arrive between pages', async () => {
    const first = (await audit('?action=sample.*&limit=5')).body;
    const { $schema: _s, ...doc } = sample('solum', 'solum-holiday-asked-feb-20') as any;
    expect((await server.post('/v1/samples', { ...doc, name: 'test-between-pages' }, await key('editor'))).status).toBe(201);
    const second = (await audit(`?action=sample.*&limit=5&cursor=${first.nextCursor}`)).body;
    const all = (await audit('?action=sample.*&limit=500')).body.entries;
    expect(all[0].target).toBe('test-between-pages');
    expect([...first.entries, ...second.entries]).toEqual(all.slice(1, 11));
  });

  it('filters by exact action, action family, target, actor and time', async () => {
    const all = (await audit('?limit=500')).body.entries;
    const only = async (q: string) => (await audit(`?${q}&limit=500`)).body.entries;
    expect(await only('action=sample.create')).toEqual(all.filter((e: any) => e.action === 'sample.create'));
    expect(await only('action=activation.*')).toEqual(all.filter((e: any) => e.action.startsWith('activation.')));
    expect(await only('target=returns@2')).toEqual(all.filter((e: any) => e.target === 'returns@2'));
    const mid = all[Math.floor(all.length / 2)].at;
    expect(await only(`since=${mid}`)).toEqual(all.filter((e: any) => e.at >= mid));
    expect(await only(`until=${mid}`)).toEqual(all.filter((e: any) => e.at < mid));
    expect(await only('action=key.create&actor=nobody')).toEqual([]);
  });

  it('answers 400 with /query paths to bad parameters', async () => {
    const res = await audit('?limit=0&since=yesterday&cursor=abc&sort=asc');
    expectProblem(res, 400, '/problems/invalid-query');
    expect(problemPaths(res)).toEqual(['/query/limit', '/query/since', '/query/sort']);
    expect(problemPaths(await audit('?limit=many'))).toEqual(['/query/limit']);
    expect(problemPaths(await audit('?limit=501'))).toEqual(['/query/limit']);
    expect(problemPaths(await audit('?action=DROP%20TABLE'))).toEqual(['/query/action']);
    expect(problemPaths(await audit('?cursor=bm90LW91cnM'))).toEqual(['/query/cursor']);
  });
});

describe('roles and tenants', () => {
  it.each(['admin', 'editor', 'viewer'] as const)('answers 200 to a %s key', async (role) => {
    expect((await audit('', role)).status).toBe(200);
  });

  it('answers 403 to a decider key', async () => {
    expectProblem(await audit('', 'decider'), 403);
  });

  it('never shows another tenant\'s entries, even filtered by that tenant\'s actor or target', async () => {
    const soomAdmin = await key('admin', 'soom');
    const { keyId } = await server.actor('soom', 'admin');
    const made = await server.post('/v1/keys', { role: 'viewer', reason: 'test: soom only' }, soomAdmin);
    expect((await audit(`?actor=${keyId}`, 'admin', 'soom')).body.entries.length).toBeGreaterThan(0);
    expect((await audit(`?actor=${keyId}`)).body.entries).toEqual([]);
    expect((await audit(`?target=${made.body.key.id}`)).body.entries).toEqual([]);
    const solum = (await audit('?limit=500')).body.entries;
    expect(solum.some((e: any) => e.target === 'points' || e.reason === 'test: soom only')).toBe(false);
  });
});
