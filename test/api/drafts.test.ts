/**
 * The draft of a policy over HTTP, against a real server and database file: optimistic
 * concurrency (201 create with If-None-Match: *, 200 with the current If-Match, 412 stale, 428
 * without a precondition, exactly one winner of 12 parallel saves with the same ETag), drafts that do
 * not compile saved with their problems, validate, the embedded tests, delete, roles, audit,
 * and another tenant's policy answering exactly like a missing one while its draft stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../server/store/audit.ts';
import { etagOf, expectSchema, putDraft, startDraft } from '../helpers/policy-docs.ts';
import { expectProblem, expectSameAsMissing, problemPaths } from '../helpers/problems.ts';
import { snapshotTenant } from '../helpers/route-matrix.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let editor: string;
let viewer: string;

beforeAll(async () => {
  server = await startServer();
  editor = await server.key('soom', 'editor');
  viewer = await server.key('soom', 'viewer');
});
afterAll(() => server?.close());

const draft = (policy: string, key: string, method = 'GET', headers: Record<string, string> = {}) => server.request(method, `/v1/policies/${policy}/draft`, { key, headers });

describe('saving with ETags', () => {
  it('answers 404 while there is no draft, creates it with If-None-Match: * (201), and refuses a second create (412)', async () => {
    expectProblem(await draft('layaway', viewer), 404, '/problems/not-found');
    const { etag, document } = await startDraft(server, editor, 'layaway', 1);
    const read = await draft('layaway', viewer);
    expect(read.status).toBe(200);
    expectSchema(read.body, 'api/draft.schema.json');
    expect(etagOf(read)).toBe(etag);
    expect(read.body).toMatchObject({ policy: 'layaway', etag: JSON.parse(etag), baseVersion: 1, valid: true, problems: [], document });
    expectProblem(await putDraft(server, editor, 'layaway', document, { 'If-None-Match': '*' }), 412, '/problems/precondition-failed');
  });

  it('replaces the draft with the current ETag (200, new ETag) and refuses the old one (412) and none (428)', async () => {
    const { etag, document } = await startDraft(server, editor, 'membership', 1);
    const saved = await putDraft(server, editor, 'membership', { ...document, title: 'Membership (edited)' }, { 'If-Match': etag });
    expect(saved.status, saved.text).toBe(200);
    expectSchema(saved.body, 'api/draft.schema.json');
    const next = etagOf(saved);
    expect(next).not.toBe(etag);
    expectProblem(await putDraft(server, editor, 'membership', document, { 'If-Match': etag }), 412, '/problems/precondition-failed');
    expectProblem(await putDraft(server, editor, 'membership', document), 428, '/problems/precondition-required');
    expect((await draft('membership', viewer)).body.document.title).toBe('Membership (edited)');
    // A client copying `etag` from the body (unquoted) is understood too.
    expect((await putDraft(server, editor, 'membership', document, { 'If-Match': JSON.parse(next) })).status).toBe(200);
  });

  it('lets exactly one of 12 parallel saves with the same ETag win: one 200, eleven 412, one audit row', async () => {
    const { document } = await startDraft(server, editor, 'cancellation', 1);
    const saves = async () => (await listAudit(server.runtime.db, 'soom', { limit: 500 })).filter((a) => a.target === 'cancellation' && a.action.startsWith('draft.')).length;
    for (let round = 0; round < 3; round++) {
      const current = etagOf(await draft('cancellation', viewer));
      const audited = await saves();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => putDraft(server, editor, 'cancellation', { ...document, title: `round ${round} writer ${i}` }, { 'If-Match': current })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(11).fill(412)]);
      const winner = results.find((r) => r.status === 200)!;
      const stored = await draft('cancellation', viewer);
      expect(stored.body.document.title).toBe(winner.body.document.title);
      expect(etagOf(stored)).toBe(etagOf(winner));
      expect(await saves()).toBe(audited + 1);
    }
  });

  it('lets exactly one of 12 parallel creates (If-None-Match: *) win: one 201, eleven 412, never a 5xx', async () => {
    const v = await server.get('/v1/policies/membership/versions/1', viewer);
    // membership has a draft from an earlier test: drop it first.
    const existing = await draft('membership', viewer);
    if (existing.status === 200) expect((await draft('membership', editor, 'DELETE', { 'If-Match': etagOf(existing) })).status).toBe(204);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => putDraft(server, editor, 'membership', { ...v.body.document, title: `creator ${i}` }, { 'If-None-Match': '*' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(11).fill(412)]);
    const winner = results.find((r) => r.status === 201)!;
    expect((await draft('membership', viewer)).body.document.title).toBe(winner.body.document.title);
  });

  it('saves a draft that does not compile and lists every problem with its JSON path', async () => {
    const { etag, document } = await startDraft(server, editor, 'after-service', 1);
    const broken = structuredClone(document);
    broken.rules[0].when = { frobnicate: [1, 2] };
    broken.key = 'points';
    const saved = await putDraft(server, editor, 'after-service', broken, { 'If-Match': etag });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.valid).toBe(false);
    expect(saved.body.problems.map((p: any) => p.path)).toEqual(expect.arrayContaining(['/rules/0/when', '/key']));

    const validation = await server.request('POST', '/v1/policies/after-service/draft/validate', { key: viewer });
    expect(validation.status).toBe(200);
    expectSchema(validation.body, 'api/draft-validation.schema.json');
    expect(validation.body).toEqual({ policy: 'after-service', etag: JSON.parse(etagOf(saved)), valid: false, problems: saved.body.problems, warnings: [] });

    const tests = await server.request('POST', '/v1/policies/after-service/draft/test', { key: viewer });
    expectProblem(tests, 422, '/problems/unprocessable');
    expect(problemPaths(tests)).toEqual(expect.arrayContaining(['/rules/0/when']));
  });
});

describe('static analysis on save', () => {
  it('answers the warnings of a draft that compiles on save, read and validate; it stays valid and its tests still run', async () => {
    const solum = await server.key('solum', 'editor');
    const { etag, document } = await startDraft(server, solum, 'returns', 1);
    const alipayGap = { path: '/tables/refundTimes', code: 'table-gap', message: 'table `refundTimes` has no row for refundMethod = "alipay"; the lookup then gives null (add a row or a default)' };
    expect((await draft('returns', solum)).body.warnings).toEqual([alipayGap]);

    const edited = structuredClone(document);
    edited.params.unusedFee = { value: 5, description: 'Never read.' };
    edited.rules.splice(1, 0, { id: 'copy-of-first', when: document.rules[0].when, then: document.rules[0].then });
    const saved = await putDraft(server, solum, 'returns', edited, { 'If-Match': etag });
    expect(saved.status, saved.text).toBe(200);
    expectSchema(saved.body, 'api/draft.schema.json');
    const warnings = [
      { path: '/params/unusedFee', code: 'unused-param', message: 'param `unusedFee` is never used: no expression, table lookup or explanation reads it' },
      alipayGap,
      { path: '/rules/1/when', code: 'unreachable-rule', message: `rule \`copy-of-first\` never applies: every input it matches is decided first by rule \`${document.rules[0].id}\`` },
    ];
    expect(saved.body).toMatchObject({ valid: true, problems: [], warnings });

    const validation = await server.request('POST', '/v1/policies/returns/draft/validate', { key: solum });
    expectSchema(validation.body, 'api/draft-validation.schema.json');
    expect(validation.body).toEqual({ policy: 'returns', etag: JSON.parse(etagOf(saved)), valid: true, problems: [], warnings });
    const tests = await server.request('POST', '/v1/policies/returns/draft/test', { key: solum });
    expect(tests.status).toBe(200);
    expect(tests.body.passed).toBe(true);
  });
});

describe('running the draft\'s tests', () => {
  it('reports each test\'s name, path, outcome, mismatches and the rule that decided', async () => {
    const { document } = await startDraft(server, editor, 'points', 1, (doc) => {
      doc.tests[1].expect = { ...doc.tests[1].expect, earned: -1 };
    });
    const res = await server.request('POST', '/v1/policies/points/draft/test', { key: viewer });
    expect(res.status).toBe(200);
    expectSchema(res.body, 'api/draft-test-report.schema.json');
    expect(res.body).toMatchObject({ policy: 'points', passed: false, total: document.tests.length, failed: 1 });
    const failing = res.body.tests.find((t: any) => !t.passed);
    expect(failing).toMatchObject({ name: document.tests[1].name, path: '/tests/1', rule: expect.any(String), mismatches: [{ path: '/earned', expected: -1, actual: expect.any(Number) }] });
    expect(res.body.tests.filter((t: any) => t.passed)).toHaveLength(document.tests.length - 1);
  });
});

describe('deleting the draft', () => {
  it('needs If-Match (428), refuses a stale one (412), deletes (204), then answers 404', async () => {
    const { etag } = await startDraft(server, editor, 'returns', 1);
    expectProblem(await draft('returns', editor, 'DELETE'), 428, '/problems/precondition-required');
    expectProblem(await draft('returns', editor, 'DELETE', { 'If-Match': '"stale"' }), 412, '/problems/precondition-failed');
    const deleted = await server.request('DELETE', '/v1/policies/returns/draft?reason=test%3A%20abandoned', { key: editor, headers: { 'If-Match': etag } });
    expect(deleted.status).toBe(204);
    expectProblem(await draft('returns', viewer), 404);
    expectProblem(await draft('returns', editor, 'DELETE', { 'If-Match': etag }), 404);
    expect((await server.get('/v1/policies/returns/versions', viewer)).body.versions).toHaveLength(1);

    const actions = (await listAudit(server.runtime.db, 'soom', { limit: 500 })).filter((a) => a.target === 'returns' && a.action.startsWith('draft.')).map((a) => [a.action, a.reason]);
    expect(actions).toEqual([['draft.delete', 'test: abandoned'], ['draft.create', null]]);
  });
});

describe('roles', () => {
  it('lets a viewer read, validate and test but not save or delete (403); a decider gets 403 everywhere', async () => {
    const { etag, document } = await startDraft(server, await server.key('soom', 'admin'), 'returns', 1);
    const decider = await server.key('soom', 'decider');
    for (const [method, path] of [['GET', ''], ['POST', '/validate'], ['POST', '/test']] as const) {
      expect((await server.request(method, `/v1/policies/returns/draft${path}`, { key: viewer })).status, path).toBe(200);
      expectProblem(await server.request(method, `/v1/policies/returns/draft${path}`, { key: decider }), 403);
    }
    for (const key of [viewer, decider]) {
      expectProblem(await putDraft(server, key, 'returns', document, { 'If-Match': etag }), 403);
      expectProblem(await draft('returns', key, 'DELETE', { 'If-Match': etag }), 403);
    }
    expect(etagOf(await draft('returns', viewer))).toBe(etag);
  });
});

describe('tenant isolation', () => {
  it('answers another tenant\'s draft routes exactly like a missing policy\'s, and leaves its draft as it was', async () => {
    // soom has "points" (with a draft); solum has no such policy. Probe it, and a name that exists nowhere.
    const existing = await draft('points', viewer);
    const { etag, document } = existing.status === 200 ? { etag: etagOf(existing), document: existing.body.document } : await startDraft(server, editor, 'points', 1);
    const soomBefore = await snapshotTenant(server.runtime.db, 'soom');
    const solum = await server.key('solum', 'admin');
    const probes: Array<[string, string, Record<string, string>, unknown?]> = [
      ['GET', '', {}],
      ['PUT', '', { 'If-Match': etag }, { document }],
      ['PUT', '', { 'If-None-Match': '*' }, { document }],
      ['DELETE', '', { 'If-Match': etag }],
      ['POST', '/validate', {}],
      ['POST', '/test', {}],
      ['POST', '/publish', { 'If-Match': etag }, { reason: 'probe' }],
    ];
    for (const [method, suffix, headers, body] of probes) {
      const call = (policy: string) => server.request(method, `/v1/policies/${policy}/draft${suffix}`, { key: solum, headers, ...(body ? { body } : {}) });
      expectSameAsMissing(await call('points'), await call('nopes'), 'points', 'nopes');
    }
    expect(await snapshotTenant(server.runtime.db, 'soom')).toEqual(soomBefore);
  });
});
