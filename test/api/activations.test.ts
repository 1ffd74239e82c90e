/**
 * Activations and the timeline against a real server (and a second one on the same database
 * file): Solum's seeded holiday window resolved into segments, the overlap rule (a later
 * activation wins where windows overlap, exactly as decide picks the version), rollback in
 * force on another process within a second, delete only before the start, every role, and
 * another tenant's policy or activation answering 404 exactly like a missing one.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeVersionAt } from '../../server/engine/index.ts';
import { listAudit } from '../../server/store/audit.ts';
import { resolveTimeline } from '../../server/services/timeline.ts';
import { eslReturn } from '../helpers/orders.ts';
import { expectProblem, expectSameAsMissing, expectSchema, problemPaths, within } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let a: TestServer;
let b: TestServer;
const base = '/v1/policies/returns';

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ dir: a.dir });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const key = (role: 'admin' | 'editor' | 'decider' | 'viewer', tenant = 'solum') => a.key(tenant, role);
const create = async (body: unknown, role: 'admin' | 'editor' | 'decider' | 'viewer' = 'editor', policy = 'returns') =>
  a.post(`/v1/policies/${policy}/activations`, body, await key(role));
const remove = async (id: number | string, role: 'admin' | 'editor' | 'decider' | 'viewer' = 'editor', policy = 'returns') =>
  a.request('DELETE', `/v1/policies/${policy}/activations/${id}`, { key: await key(role) });
const versionAt = async (server: TestServer, at?: string) =>
  (await server.post(`${base}/decide`, { input: eslReturn('2024-03-01T10:00:00Z'), ...(at ? { at } : {}) }, await server.key('solum', 'decider'))).body.version;

describe('the timeline of Solum returns as seeded', () => {
  it('is version 1 until 2023-10-11, the holiday version 2 until 2024-02-01, then version 1 again', async () => {
    const res = await a.get(`${base}/timeline`, await key('viewer'));
    expect(res.status).toBe(200);
    expectSchema(res, 'api/timeline.schema.json');
    expect(res.body).toEqual({
      policy: 'returns', from: null, until: null,
      segments: [
        { from: null, until: '2023-10-11T00:00:00.000Z', version: 1 },
        { from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z', version: 2 },
        { from: '2024-02-01T00:00:00.000Z', until: null, version: 1 },
      ],
    });
  });

  it('cuts the segments to a range asked with from/until', async () => {
    const res = await a.get(`${base}/timeline?from=2023-12-01T00:00:00Z&until=2024-03-01T00:00:00Z`, await key('viewer'));
    expect(res.body.segments).toEqual([
      { from: '2023-12-01T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z', version: 2 },
      { from: '2024-02-01T00:00:00.000Z', until: '2024-03-01T00:00:00.000Z', version: 1 },
    ]);
  });

  it('answers 400 with /query paths to a bad range or an unknown parameter', async () => {
    const viewer = await key('viewer');
    const bad = await a.get(`${base}/timeline?from=yesterday`, viewer);
    expectProblem(bad, 400, '/problems/invalid-query');
    expect(problemPaths(bad)).toEqual(['/query/from']);
    expect(problemPaths(await a.get(`${base}/timeline?from=2024-02-01T00:00:00Z&until=2024-01-01T00:00:00Z`, viewer))).toEqual(['/query/until']);
    expect(problemPaths(await a.get(`${base}/timeline?form=2024-02-01T00:00:00Z`, viewer))).toEqual(['/query/form']);
  });

  it('lists the seeded activations in creation order, with their state and the one in force', async () => {
    const res = await a.get(`${base}/activations`, await key('viewer'));
    expect(res.status).toBe(200);
    expectSchema(res, 'api/activation-list.schema.json');
    expect(res.body.activations.map((x: any) => [x.version, x.from, x.until, x.state, x.inForce, x.createdBy])).toEqual([
      [1, null, null, 'current', true, 'seed'],
      [2, '2023-10-11T00:00:00.000Z', '2024-02-01T00:00:00.000Z', 'past', false, 'seed'],
    ]);
    expect(res.body.activations[1].reason).toMatch(/Holiday/);
  });
});

describe('the overlap rule: a later activation wins where windows overlap', () => {
  it('lays a later window over an earlier one only inside the overlap, and decide agrees with the timeline', async () => {
    const w1 = await create({ version: 2, from: '2099-03-10T00:00:00Z', until: '2099-03-20T00:00:00Z', reason: 'test: window of v2' });
    expect(w1.status).toBe(201);
    const w2 = await create({ version: 1, from: '2099-03-15T00:00:00Z', until: '2099-03-18T00:00:00Z', reason: 'test: v1 inside it, made later' });
    expect(w2.status).toBe(201);
    const res = await a.get(`${base}/timeline?from=2099-03-01T00:00:00Z&until=2099-04-01T00:00:00Z`, await key('viewer'));
    expect(res.body.segments).toEqual([
      { from: '2099-03-01T00:00:00.000Z', until: '2099-03-10T00:00:00.000Z', version: 1 },
      { from: '2099-03-10T00:00:00.000Z', until: '2099-03-15T00:00:00.000Z', version: 2 },
      { from: '2099-03-15T00:00:00.000Z', until: '2099-03-18T00:00:00.000Z', version: 1 },
      { from: '2099-03-18T00:00:00.000Z', until: '2099-03-20T00:00:00.000Z', version: 2 },
      { from: '2099-03-20T00:00:00.000Z', until: '2099-04-01T00:00:00.000Z', version: 1 },
    ]);
    for (const s of res.body.segments) {
      expect(await versionAt(a, s.from)).toBe(s.version);
      expect(await versionAt(a, new Date(Date.parse(s.until) - 1).toISOString())).toBe(s.version);
    }
    for (const id of [w2.body.id, w1.body.id]) expect((await remove(id)).status).toBe(204);
  });

  it('settles partial overlaps, shared boundaries (from inclusive, until exclusive) and a later open-ended activation over an earlier window', async () => {
    const made: number[] = [];
    const add = async (body: Record<string, unknown>) => {
      const res = await create({ ...body, reason: `test: ${JSON.stringify(body)}` });
      expect(res.status, res.text).toBe(201);
      made.push(res.body.id);
    };
    await add({ version: 2, from: '2098-05-10T00:00:00Z', until: '2098-05-20T00:00:00Z' });
    await add({ version: 1, from: '2098-05-15T00:00:00Z', until: '2098-05-25T00:00:00Z' }); // overlaps the end of the first
    await add({ version: 2, from: '2098-05-25T00:00:00Z', until: '2098-05-28T00:00:00Z' }); // starts where the second ends
    await add({ version: 2, from: '2098-07-01T00:00:00Z', until: '2098-07-10T00:00:00Z' }); // a window, then...
    await add({ version: 1, from: '2098-06-15T00:00:00Z' }); // ...an open-ended activation made later, from before it
    const res = await a.get(`${base}/timeline?from=2098-05-01T00:00:00Z&until=2098-08-01T00:00:00Z`, await key('viewer'));
    expect(res.body.segments).toEqual([
      { from: '2098-05-01T00:00:00.000Z', until: '2098-05-10T00:00:00.000Z', version: 1 },
      { from: '2098-05-10T00:00:00.000Z', until: '2098-05-15T00:00:00.000Z', version: 2 },
      { from: '2098-05-15T00:00:00.000Z', until: '2098-05-25T00:00:00.000Z', version: 1 },
      { from: '2098-05-25T00:00:00.000Z', until: '2098-05-28T00:00:00.000Z', version: 2 },
      { from: '2098-05-28T00:00:00.000Z', until: '2098-08-01T00:00:00.000Z', version: 1 },
    ]);
    // Decide at each boundary instant and the millisecond before it, here and on the other process.
    const expected: Array<[string, number]> = [
      ['2098-05-09T23:59:59.999Z', 1], ['2098-05-10T00:00:00.000Z', 2],
      ['2098-05-14T23:59:59.999Z', 2], ['2098-05-15T00:00:00.000Z', 1],
      ['2098-05-24T23:59:59.999Z', 1], ['2098-05-25T00:00:00.000Z', 2],
      ['2098-05-27T23:59:59.999Z', 2], ['2098-05-28T00:00:00.000Z', 1],
      ['2098-07-05T00:00:00.000Z', 1],
    ];
    for (const [at, version] of expected) expect(await versionAt(a, at), at).toBe(version);
    await within(2000, async () => (await versionAt(b, '2098-05-25T00:00:00.000Z')) === 2);
    for (const [at, version] of expected) expect(await versionAt(b, at), `${at} on the other process`).toBe(version);
    for (const id of made.reverse()) expect((await remove(id)).status).toBe(204);
  });

  it('gives 10 activations made at once through two processes distinct ids, one audit row each, and the last id the window', async () => {
    const window = { from: '2097-01-01T00:00:00Z', until: '2097-02-01T00:00:00Z' };
    const editors = [await a.key('solum', 'editor'), await b.key('solum', 'editor')];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).post(`${base}/activations`, { version: 1 + (i % 2), ...window, reason: `test: race ${i}` }, editors[i % 2])),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const ids = results.map((r) => r.body.id as number);
    expect(new Set(ids).size).toBe(10);
    const audit = await listAudit(a.runtime.db, 'solum', { action: 'activation.create', limit: 500 });
    for (const [i, r] of results.entries()) {
      const rows = audit.filter((row) => (row.detail as any)?.activation === r.body.id);
      expect(rows, `activation ${r.body.id}`).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor: expect.any(String), reason: `test: race ${i}` });
    }
    // The highest id was made last: it decides in the window, on both processes.
    const last = results.reduce((x, y) => (y.body.id > x.body.id ? y : x)).body.version;
    const timeline = await a.get(`${base}/timeline?from=${window.from}&until=${window.until}`, await key('viewer'));
    expect(timeline.body.segments).toEqual([{ from: '2097-01-01T00:00:00.000Z', until: '2097-02-01T00:00:00.000Z', version: last }]);
    await within(2000, async () => (await versionAt(b, '2097-01-15T00:00:00Z')) === last);
    expect(await versionAt(a, '2097-01-15T00:00:00Z')).toBe(last);
    for (const id of [...ids].sort((x, y) => y - x)) expect((await remove(id)).status).toBe(204);
  });

  it('is the rule of activeVersionAt for any activations and any instant (property)', () => {
    const day = 86_400_000;
    const instant = fc.integer({ min: 0, max: 40 }).map((d) => new Date(Date.UTC(2030, 0, 1) + d * day).toISOString());
    const activation = fc.record({ version: fc.integer({ min: 1, max: 4 }), from: fc.option(instant), until: fc.option(instant) })
      .filter((x) => x.from === null || x.until === null || x.until > x.from);
    fc.assert(
      fc.property(fc.array(activation, { maxLength: 6 }), fc.integer({ min: -2, max: 42 }), (acts, d) => {
        const at = new Date(Date.UTC(2030, 0, 1) + d * day + 3_600_000).toISOString();
        const segments = resolveTimeline(acts);
        const hit = segments.find((s) => (s.from === null || s.from <= at) && (s.until === null || at < s.until));
        expect(hit?.version).toBe(activeVersionAt(acts, at));
        segments.slice(1).forEach((s, i) => {
          expect(s.from).toBe(segments[i]!.until);
          expect(s.version).not.toBe(segments[i]!.version);
        });
      }),
    );
  });
});

describe('POST /v1/policies/{policy}/activations', () => {
  it('lets an editor schedule a window: 201 with Location, listed as future, audited with its id', async () => {
    const res = await create({ version: 2, from: '2098-10-11T00:00:00Z', until: '2099-02-01T00:00:00Z', reason: 'test: holiday 2098' });
    expect(res.status).toBe(201);
    expectSchema(res, 'api/activation.schema.json');
    expect(res.body).toMatchObject({ policy: 'returns', version: 2, from: '2098-10-11T00:00:00.000Z', until: '2099-02-01T00:00:00.000Z', reason: 'test: holiday 2098', state: 'future', inForce: false, createdBy: (await a.actor('solum', 'editor')).keyId });
    expect(res.headers.get('location')).toBe(`${base}/activations/${res.body.id}`);
    const list = await a.get(`${base}/activations`, await key('admin'));
    expect(list.body.activations.at(-1)).toEqual(res.body);
    const audit = await a.get(`/v1/audit?action=activation.create&limit=1`, await key('viewer'));
    expect(audit.body.entries[0]).toMatchObject({ actor: res.body.createdBy, role: 'editor', target: 'returns@2', reason: 'test: holiday 2098', detail: { activation: res.body.id, version: 2, until: '2099-02-01T00:00:00.000Z' } });
    expect((await remove(res.body.id, 'admin')).status).toBe(204);
  });

  it('rolls back: a new activation from now decides at once here and within 1 s on another process', async () => {
    expect(await versionAt(b)).toBe(1);
    const on = await create({ version: 2, reason: 'test: holiday rules from now' }, 'admin');
    expect(on.body).toMatchObject({ version: 2, until: null, state: 'current', inForce: true });
    expect(Math.abs(Date.parse(on.body.from) - Date.now())).toBeLessThan(5_000);
    expect(await versionAt(a)).toBe(2);
    console.log(`activation through A in force on B after ${await within(1000, async () => (await versionAt(b)) === 2)} ms`);

    const back = await create({ version: 1, reason: 'test: roll back' }, 'editor');
    expect(back.status).toBe(201);
    expect(await versionAt(a)).toBe(1);
    console.log(`rollback through A in force on B after ${await within(1000, async () => (await versionAt(b)) === 1)} ms`);
    const list = (await a.get(`${base}/activations`, await key('viewer'))).body.activations;
    expect(list.filter((x: any) => x.inForce).map((x: any) => x.id)).toEqual([back.body.id]);
    expect(list.find((x: any) => x.id === on.body.id)).toMatchObject({ state: 'current', inForce: false });
  });

  it('answers 422 at /version for a version that does not exist, and 400 with paths for a bad body', async () => {
    const missing = await create({ version: 99, reason: 'test' });
    expectProblem(missing, 422, '/problems/unprocessable');
    expect(problemPaths(missing)).toEqual(['/version']);
    const backwards = await create({ version: 2, from: '2099-02-01T00:00:00Z', until: '2099-01-01T00:00:00Z', reason: 'test' });
    expectProblem(backwards, 400);
    expect(problemPaths(backwards)).toEqual(['/until']);
    expect(problemPaths(await create({ version: 2, from: '2099-02-01T00:00:00Z', until: '2099-02-01T00:00:00Z', reason: 'test' }))).toEqual(['/until']);
    expect(problemPaths(await create({ version: 0, from: 'soon', reason: '', tenant: 'soom' }))).toEqual(['/from', '/reason', '/tenant', '/version']);
    expect(problemPaths(await create({ from: '2099-01-01T00:00:00Z' }))).toEqual(['/reason', '/version']);
  });

  it('answers 403 to decider and viewer keys and changes nothing', async () => {
    const before = (await a.get(`${base}/activations`, await key('viewer'))).body;
    for (const role of ['decider', 'viewer'] as const) expectProblem(await create({ version: 2, from: '2099-06-01T00:00:00Z', reason: 'test' }, role), 403);
    expect((await a.get(`${base}/activations`, await key('viewer'))).body).toEqual(before);
  });

  it('answers 404 for another tenant\'s policy exactly as for a missing one, and changes nothing there', async () => {
    const soomBefore = (await a.get('/v1/policies/points/activations', await key('viewer', 'soom'))).body;
    const body = { version: 1, from: '2099-06-01T00:00:00Z', reason: 'test' };
    expectSameAsMissing(await create(body, 'admin', 'points'), await create(body, 'admin', 'no-such-policy'), 'points', 'no-such-policy');
    expect((await a.get('/v1/policies/points/activations', await key('viewer', 'soom'))).body).toEqual(soomBefore);
  });
});

describe('GET /v1/policies/{policy}/activations and /timeline by role and tenant', () => {
  it.each(['admin', 'editor', 'viewer'] as const)('answers 200 to a %s key', async (role) => {
    expect((await a.get(`${base}/activations`, await key(role))).status).toBe(200);
    expect((await a.get(`${base}/timeline`, await key(role))).status).toBe(200);
  });

  it('answers 403 to a decider key', async () => {
    expectProblem(await a.get(`${base}/activations`, await key('decider')), 403);
    expectProblem(await a.get(`${base}/timeline`, await key('decider')), 403);
  });

  it('answers 404 for another tenant\'s policy exactly as for a missing one', async () => {
    const viewer = await key('viewer');
    for (const path of ['activations', 'timeline']) {
      expectSameAsMissing(await a.get(`/v1/policies/points/${path}`, viewer), await a.get(`/v1/policies/no-such-policy/${path}`, viewer), 'points', 'no-such-policy');
    }
  });
});

describe('DELETE /v1/policies/{policy}/activations/{id}', () => {
  it('deletes an activation that has not started: 204, gone from the list and the timeline, audited', async () => {
    const made = await create({ version: 2, from: '2097-05-01T00:00:00Z', until: '2097-06-01T00:00:00Z', reason: 'test: to be cancelled' });
    const res = await a.request('DELETE', `${base}/activations/${made.body.id}?reason=${encodeURIComponent('test: plans changed')}`, { key: await key('editor') });
    expect(res.status).toBe(204);
    expect((await a.get(`${base}/activations`, await key('viewer'))).body.activations.some((x: any) => x.id === made.body.id)).toBe(false);
    const timeline = await a.get(`${base}/timeline?from=2097-01-01T00:00:00Z&until=2098-01-01T00:00:00Z`, await key('viewer'));
    expect(timeline.body.segments).toEqual([{ from: '2097-01-01T00:00:00.000Z', until: '2098-01-01T00:00:00.000Z', version: 1 }]);
    const audit = await a.get(`/v1/audit?action=activation.delete&limit=1`, await key('viewer'));
    expect(audit.body.entries[0]).toMatchObject({ role: 'editor', target: 'returns@2', reason: 'test: plans changed', detail: { activation: made.body.id, from: '2097-05-01T00:00:00.000Z' } });
    expectProblem(await remove(made.body.id), 404);
  });

  it('refuses 409 to delete one that has started (seeded, past or current), and keeps it', async () => {
    const [open, holiday] = (await a.get(`${base}/activations`, await key('viewer'))).body.activations;
    for (const started of [open, holiday]) {
      const res = await remove(started.id, 'admin');
      expectProblem(res, 409, '/problems/conflict');
      expect(res.body.detail).toMatch(/only an activation that has not started can be deleted.*activate another version/);
    }
    const now = await create({ version: 1, reason: 'test: current' });
    expectProblem(await remove(now.body.id), 409);
    expect((await a.get(`${base}/activations`, await key('viewer'))).body.activations.map((x: any) => x.id)).toEqual(expect.arrayContaining([open.id, holiday.id, now.body.id]));
  });

  it('answers 403 to decider and viewer keys and keeps the activation', async () => {
    const made = await create({ version: 2, from: '2096-01-01T00:00:00Z', reason: 'test' });
    for (const role of ['decider', 'viewer'] as const) expectProblem(await remove(made.body.id, role), 403);
    expect((await remove(made.body.id, 'admin')).status).toBe(204);
  });

  it('answers 404 for another tenant\'s activation exactly as for a missing one, and keeps it', async () => {
    const soomEditor = await key('editor', 'soom');
    const theirs = await a.post('/v1/policies/points/activations', { version: 1, from: '2099-01-01T00:00:00Z', reason: 'test: soom schedules' }, soomEditor);
    expect(theirs.status).toBe(201);
    const id = String(theirs.body.id);
    expectSameAsMissing(await remove(id, 'admin'), await remove('999999', 'admin'), id, '999999');
    expectSameAsMissing(await remove(id, 'admin', 'points'), await remove(id, 'admin', 'no-such-policy'), 'points', 'no-such-policy');
    expectProblem(await remove('not-a-number'), 404);
    const soomList = await a.get('/v1/policies/points/activations', soomEditor);
    expect(soomList.body.activations.some((x: any) => x.id === theirs.body.id)).toBe(true);
    expect((await a.request('DELETE', `/v1/policies/points/activations/${id}`, { key: soomEditor })).status).toBe(204);
  });
});
