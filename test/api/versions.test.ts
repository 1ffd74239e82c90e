/**
 * GET /v1/policies/{policy}/versions, .../versions/{version} and .../versions/{a}/diff/{b}
 * against a real server and database file: content hashes that match the documents, the seeded
 * holiday version's diff (exactly one param), a published edit's diff (an inserted rule reads as
 * one added rule, not every later rule changed), roles, and 404 alike for anything that is not
 * one of the caller's versions, another tenant's included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../server/store/content-hash.ts';
import { expectSchema, publish, startDraft } from '../helpers/policy-docs.ts';
import { expectProblem, expectSameAsMissing } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let viewer: string;

beforeAll(async () => {
  server = await startServer();
  viewer = await server.key('solum', 'viewer');
});
afterAll(() => server?.close());

const holiday2023 = { purchasedFrom: '2023-10-11', purchasedThrough: '2023-12-25', returnUntil: '2024-01-31' };

describe('listing and reading versions', () => {
  it('lists every version oldest first with a content hash that is the hash of its document', async () => {
    const res = await server.get('/v1/policies/returns/versions', viewer);
    expect(res.status).toBe(200);
    expectSchema(res.body, 'api/version-list.schema.json');
    expect(res.body).toMatchObject({ policy: 'returns', activeVersion: 1 });
    expect(res.body.versions).toEqual([
      expect.objectContaining({ policy: 'returns', version: 1, note: null, createdBy: 'seed' }),
      expect.objectContaining({ policy: 'returns', version: 2, note: '2023 holiday extension', createdBy: 'seed' }),
    ]);
    for (const v of res.body.versions) {
      const one = await server.get(`/v1/policies/returns/versions/${v.version}`, viewer);
      expectSchema(one.body, 'api/version-detail.schema.json');
      expect(one.body.contentHash).toBe(v.contentHash);
      expect(contentHash(one.body.document)).toBe(v.contentHash);
    }
    expect((await server.get('/v1/policies/returns/versions/2', viewer)).body.document.params.holidayExtension.value).toEqual(holiday2023);
  });

  it('answers 404 alike for a version that is not a number, zero, missing, or another tenant\'s', async () => {
    const missing = await server.get('/v1/policies/returns/versions/99', viewer);
    expectProblem(missing, 404);
    const shape = (res: typeof missing, v: string) => ({ status: res.status, type: res.body.type, title: res.body.title, errors: res.body.errors, detail: res.body.detail.replace(JSON.stringify(v), '<v>') });
    for (const v of ['0', 'abc', '01', '3', '1.0']) expect(shape(await server.get(`/v1/policies/returns/versions/${v}`, viewer), v), v).toEqual(shape(missing, '99'));
    // soom's "points" has a version 1; for solum it is a policy that does not exist.
    expectSameAsMissing(await server.get('/v1/policies/points/versions/1', viewer), await server.get('/v1/policies/nopes/versions/1', viewer), 'points', 'nopes');
    expectSameAsMissing(await server.get('/v1/policies/points/versions', viewer), await server.get('/v1/policies/nopes/versions', viewer), 'points', 'nopes');
  });
});

describe('diff', () => {
  it('shows that the seeded holiday version differs from version 1 in exactly one param', async () => {
    const res = await server.get('/v1/policies/returns/versions/1/diff/2', viewer);
    expect(res.status).toBe(200);
    expectSchema(res.body, 'api/version-diff.schema.json');
    expect(res.body.from).toMatchObject({ version: 1 });
    expect(res.body.to).toMatchObject({ version: 2 });
    expect(res.body.identical).toBe(false);
    expect(res.body.changes).toEqual([{ op: 'changed', path: '/params/holidayExtension/value', before: null, after: holiday2023 }]);
    expect(res.body.delta).toEqual({ params: { holidayExtension: { value: [null, holiday2023] } } });

    const back = await server.get('/v1/policies/returns/versions/2/diff/1', viewer);
    expect(back.body.changes).toEqual([{ op: 'changed', path: '/params/holidayExtension/value', before: holiday2023, after: null }]);
  });

  it('says a version is identical to itself', async () => {
    const res = await server.get('/v1/policies/returns/versions/2/diff/2', viewer);
    expect(res.body).toMatchObject({ identical: true, changes: [], delta: null });
  });

  it('reads an inserted rule as one added rule, not as every later rule changed', async () => {
    const editor = await server.key('soom', 'editor');
    let inserted: any;
    const { etag, document } = await startDraft(server, editor, 'membership', 1, (doc) => {
      // Never matches, so the embedded tests still pass and the version can be published.
      inserted = { ...structuredClone(doc.rules[0]), id: 'inserted-first', description: 'test: an inserted rule', when: false };
      doc.rules.unshift(inserted);
      doc.title = `${doc.title} (edited)`;
    });
    const published = await publish(server, editor, 'membership', etag, { reason: 'test: insert a rule' });
    expect(published.status, published.text).toBe(201);
    const res = await server.get('/v1/policies/membership/versions/1/diff/2', await server.key('soom', 'viewer'));
    const v1 = (await server.get('/v1/policies/membership/versions/1', editor)).body.document;
    expect(res.body.changes).toEqual([
      { op: 'changed', path: '/title', before: v1.title, after: document.title },
      { op: 'added', path: '/rules/0', after: inserted },
    ]);
  });

  it('answers 404 when either version is missing, and for another tenant\'s policy as for a missing one', async () => {
    expectProblem(await server.get('/v1/policies/returns/versions/1/diff/9', viewer), 404);
    expectProblem(await server.get('/v1/policies/returns/versions/9/diff/1', viewer), 404);
    expectSameAsMissing(await server.get('/v1/policies/points/versions/1/diff/1', viewer), await server.get('/v1/policies/nopes/versions/1/diff/1', viewer), 'points', 'nopes');
  });
});

describe('roles', () => {
  it.each(['admin', 'editor', 'viewer'] as const)('lets a %s key list, read and diff versions', async (role) => {
    const key = await server.key('solum', role);
    for (const path of ['/versions', '/versions/1', '/versions/1/diff/2']) expect((await server.get(`/v1/policies/returns${path}`, key)).status, path).toBe(200);
  });

  it('answers 403 to a decider key on every version route', async () => {
    const key = await server.key('solum', 'decider');
    for (const path of ['/versions', '/versions/1', '/versions/1/diff/2']) expectProblem(await server.get(`/v1/policies/returns${path}`, key), 403);
  });
});
