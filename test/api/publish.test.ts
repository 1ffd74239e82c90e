/**
 * POST /v1/policies/{policy}/draft/publish against a real server and database file, with a
 * second server on the same database: refused with 428/412, 422 (compile problems, failing
 * tests listed), 409 (identical to an existing version); otherwise version n+1 with its content
 * hash, who/when/why, the draft gone; not in force unless `activate` is given; with it, a decide
 * at a date inside the window uses the new version, here and on the other process within 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { publishDraft } from '../../server/services/publish.ts';
import { listAudit } from '../../server/store/audit.ts';
import { contentHash } from '../../server/store/content-hash.ts';
import { eslReturn } from '../helpers/orders.ts';
import { etagOf, expectSchema, publish, putDraft, startDraft } from '../helpers/policy-docs.ts';
import { expectProblem, problemPaths, within } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let a: TestServer;
let b: TestServer;
let editor: string;

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ dir: a.dir });
  editor = await a.key('solum', 'editor');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const versions = async () => (await a.get('/v1/policies/returns/versions', editor)).body.versions.map((v: any) => v.version);
const holiday2024 = (doc: any) => {
  doc.params.holidayExtension.value = { purchasedFrom: '2024-10-11', purchasedThrough: '2024-12-25', returnUntil: '2025-01-31' };
};

/** The database client, with `meanwhile` run just before each write batch: a race forced at the service. */
function beforeEachBatch<D extends { batch: (...args: never[]) => Promise<unknown> }>(db: D, meanwhile: () => Promise<void>): D {
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'batch') {
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<D['batch']>) => {
        await meanwhile();
        return target.batch(...args);
      };
    },
  });
}

describe('refusals', () => {
  let etag: string;
  beforeAll(async () => {
    ({ etag } = await startDraft(a, editor, 'returns', 1, (doc) => {
      doc.params.returnWindowDays.value = 10;
    }));
  });

  it('answers 428 without If-Match and 412 with a stale one', async () => {
    expectProblem(await publish(a, editor, 'returns', null), 428, '/problems/precondition-required');
    expectProblem(await publish(a, editor, 'returns', '"not-the-etag"'), 412, '/problems/precondition-failed');
  });

  it('answers 422 with every failing test listed (path, message, mismatches), and keeps the draft', async () => {
    const res = await publish(a, editor, 'returns', etag, { reason: 'shorter window' });
    expectProblem(res, 422, '/problems/unprocessable');
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const e of res.body.errors) expect(e).toEqual({ path: expect.stringMatching(/^\/tests\/\d+$/), message: expect.stringContaining('failed') });
    expect(res.body.tests.map((t: any) => t.path)).toEqual(problemPaths(res).sort((x, y) => Number(x.split('/')[2]) - Number(y.split('/')[2])));
    expect(res.body.tests[0]).toMatchObject({ passed: false, mismatches: [expect.objectContaining({ path: expect.any(String), expected: expect.anything() })] });
    expect(await versions()).toEqual([1, 2]);
    expect(etagOf(await a.get('/v1/policies/returns/draft', editor))).toBe(etag);
  });

  it('answers 422 with the compile problems\' paths when the draft does not compile', async () => {
    const draft = (await a.get('/v1/policies/returns/draft', editor)).body;
    const broken = { ...draft.document, rules: [{ ...draft.document.rules[0], when: { frobnicate: [] } }, ...draft.document.rules.slice(1)] };
    const saved = await putDraft(a, editor, 'returns', broken, { 'If-Match': etagOf(await a.get('/v1/policies/returns/draft', editor)) });
    const res = await publish(a, editor, 'returns', etagOf(saved));
    expectProblem(res, 422, '/problems/unprocessable');
    expect(problemPaths(res)).toContain('/rules/0/when');
    etag = etagOf(saved);
  });

  it('answers 400 when `activate.until` is not after `activate.from`', async () => {
    const current = etagOf(await a.get('/v1/policies/returns/draft', editor));
    const res = await publish(a, editor, 'returns', current, { reason: 'x', activate: { from: '2025-01-01T00:00:00Z', until: '2024-01-01T00:00:00Z' } });
    expectProblem(res, 400, '/problems/invalid-body');
    expect(problemPaths(res)).toEqual(['/activate/until']);
  });

  it.each(['viewer', 'decider'] as const)('answers 403 to a %s key and publishes nothing', async (role) => {
    const current = etagOf(await a.get('/v1/policies/returns/draft', editor));
    expectProblem(await publish(a, await a.key('solum', role), 'returns', current), 403);
    expect(await versions()).toEqual([1, 2]);
  });

  // Last of the refusals: it leaves no draft behind.
  it('answers 409 naming the version when the draft is identical to one (unchanged), and discards the draft, audited', async () => {
    const v2 = (await a.get('/v1/policies/returns/versions/2', editor)).body.document;
    const saved = await putDraft(a, editor, 'returns', v2, { 'If-Match': etagOf(await a.get('/v1/policies/returns/draft', editor)) });
    const deletesBefore = (await listAudit(a.runtime.db, 'solum', { action: 'draft.delete' })).length;
    const res = await publish(a, editor, 'returns', etagOf(saved), { reason: 'same as v2' });
    expectProblem(res, 409, '/problems/conflict');
    expect(res.body).toMatchObject({ version: 2, draftDiscarded: true });
    expect(res.body.detail).toContain('unchanged');
    expect(await versions()).toEqual([1, 2]);
    // No stray draft equal to version 2 is left open, and the policy no longer looks edited.
    expectProblem(await a.get('/v1/policies/returns/draft', editor), 404);
    expect((await a.get('/v1/policies/returns', editor)).body.draft).toBeFalsy();
    const deletes = await listAudit(a.runtime.db, 'solum', { action: 'draft.delete' });
    expect(deletes).toHaveLength(deletesBefore + 1);
    expect(deletes.find((r) => (r.detail as { identicalTo?: number } | null)?.identicalTo === 2)).toMatchObject({ target: 'returns', reason: 'same as v2', detail: { identicalTo: 2, with: 'publish' } });
  });

  it('keeps a draft saved again between the check and the discard, and says so', async () => {
    const { etag: started } = await startDraft(a, editor, 'returns', 2);
    // The discard compares the ETag that was checked; a draft saved with another one stays (the real race, forced at the service).
    const db = a.runtime.db;
    const v2 = (await a.get('/v1/policies/returns/versions/2', editor)).body.document;
    const racing = beforeEachBatch(db, async () => {
      expect((await putDraft(a, editor, 'returns', { ...v2, title: 'saved meanwhile' }, { 'If-Match': started })).status).toBe(200);
    });
    const res = await publishDraft({ db: racing, registry: schemaRegistry() }, { actor: await a.actor('solum', 'editor'), policy: 'returns', precondition: { ifMatch: started }, reason: 'race' }).catch((e: unknown) => e);
    expect(res).toMatchObject({ status: 409, extra: { members: { version: 2, draftDiscarded: false } } });
    expect((await a.get('/v1/policies/returns/draft', editor)).body.document.title).toBe('saved meanwhile');
    const current = etagOf(await a.get('/v1/policies/returns/draft', editor));
    expect((await a.request('DELETE', '/v1/policies/returns/draft', { key: editor, headers: { 'If-Match': current } })).status).toBe(204);
  });
});

describe('publishing', () => {
  const input = eslReturn('2024-11-15T10:00:00Z');
  const inWindow = '2025-01-20T15:00:00Z';

  it('makes version 3 with its content hash, who/when/why, deletes the draft, and changes nothing that decides', async () => {
    const decider = await b.key('solum', 'decider');
    // B caches what decides at inWindow before the publish: version 1, not returnable.
    const before = await b.post('/v1/policies/returns/decide', { input, at: inWindow }, decider);
    expect(before.body).toMatchObject({ version: 1, decision: { eligible: false } });

    const { etag, document } = await startDraft(a, editor, 'returns', 2, holiday2024);
    const res = await publish(a, editor, 'returns', etag, { reason: '2024 holiday season', note: '2024 holiday extension' });
    expect(res.status, res.text).toBe(201);
    expectSchema(res.body, 'api/publish-answer.schema.json');
    expect(res.headers.get('location')).toBe('/v1/policies/returns/versions/3');
    const { keyId } = await a.actor('solum', 'editor');
    expect(res.body).toMatchObject({
      version: { policy: 'returns', version: 3, contentHash: contentHash(document), reason: '2024 holiday season', note: '2024 holiday extension', createdBy: keyId },
      activation: null,
      tests: { total: document.tests.length, passed: document.tests.length },
    });
    expect(Math.abs(Date.parse(res.body.version.createdAt) - Date.now())).toBeLessThan(10_000);
    expectProblem(await a.get('/v1/policies/returns/draft', editor), 404);
    expect((await a.get('/v1/policies/returns/versions/3', editor)).body.document).toEqual(document);
    const audit = await listAudit(a.runtime.db, 'solum', { action: 'version.publish' });
    expect(audit[0]).toMatchObject({ actor: keyId, target: 'returns@3', reason: '2024 holiday season', detail: expect.objectContaining({ contentHash: contentHash(document) }) });

    // Not activated: what decides is unchanged.
    expect((await a.post('/v1/policies/returns/decide', { input, at: inWindow }, decider)).body.version).toBe(1);
  });

  it('activates it when asked, in the same transaction: a decide inside the window uses it, here and on the other process within 1 s', async () => {
    const { etag } = await startDraft(a, editor, 'returns', 3, (doc) => {
      doc.description = `${doc.description} (2024 holiday season)`;
    });
    const window = { from: '2024-10-11T00:00:00Z', until: '2025-02-01T00:00:00Z' };
    const res = await publish(a, await a.key('solum', 'admin'), 'returns', etag, { reason: '2024 holiday season, in force', activate: window });
    expect(res.status, res.text).toBe(201);
    expect(res.body.version.version).toBe(4);
    expect(res.body.activation).toMatchObject({ version: 4, from: '2024-10-11T00:00:00.000Z', until: '2025-02-01T00:00:00.000Z', reason: '2024 holiday season, in force' });

    const decider = await a.key('solum', 'decider');
    const here = await a.post('/v1/policies/returns/decide', { input, at: inWindow }, decider);
    expect(here.body).toMatchObject({ version: 4, decision: { eligible: true } });
    expect((await a.post('/v1/policies/returns/decide', { input, at: '2025-03-01T00:00:00Z' }, decider)).body.version).toBe(1);

    const onB = await b.key('solum', 'decider');
    const ms = await within(1000, async () => (await b.post('/v1/policies/returns/decide', { input, at: inWindow }, onB)).body.version === 4);
    console.log(`publish+activate through A in force on B after ${ms} ms`);
    expect((await b.get('/v1/policies/returns?at=2025-01-20T15:00:00Z', await b.key('solum', 'viewer'))).body.active.version).toBe(4);
  });

  it('lets exactly one of two parallel publishes of the same draft win', async () => {
    const { etag } = await startDraft(a, editor, 'returns', 4, (doc) => {
      doc.title = 'Solum returns and refunds (race)';
    });
    const results = await Promise.all([publish(a, editor, 'returns', etag), publish(b, await b.key('solum', 'editor'), 'returns', etag)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(201);
    expect([404, 409, 412]).toContain(statuses[1]);
    expect(await versions()).toEqual([1, 2, 3, 4, 5]);
    expect((await a.get('/v1/policies', editor)).body.policies[0].title).toBe('Solum returns and refunds (race)');
  });
});

describe('atomicity', () => {
  it('rolls the whole publish back (no version, activation, audit or feed row) when the draft changes between the check and the write', async () => {
    const { etag, document } = await startDraft(a, editor, 'returns', 5, (doc) => {
      doc.title = 'Solum returns and refunds (lost)';
    });
    const db = a.runtime.db;
    const count = async (table: string) => Number((await db.execute(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
    const before = { versions: await count('policy_versions'), activations: await count('activations'), audit: await count('audit_log'), feed: await count('change_feed') };
    // Someone saves the draft just before the publish's batch runs.
    const racing = beforeEachBatch(db, async () => {
      const saved = await putDraft(a, editor, 'returns', { ...document, title: 'saved meanwhile' }, { 'If-Match': etag });
      expect(saved.status).toBe(200);
    });
    const actor = await a.actor('solum', 'editor');
    const attempt = publishDraft({ db: racing, registry: schemaRegistry() }, { actor, policy: 'returns', precondition: { ifMatch: etag }, reason: 'lost race', activate: {} });
    await expect(attempt).rejects.toMatchObject({ code: 'precondition_failed' });
    const after = { versions: await count('policy_versions'), activations: await count('activations'), audit: await count('audit_log') - 1, feed: await count('change_feed') };
    // (audit - 1: the racing save's own audit row.)
    expect(after).toEqual(before);
    expect((await a.get('/v1/policies/returns/draft', editor)).body.document.title).toBe('saved meanwhile');
  });
});

