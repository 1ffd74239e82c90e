/**
 * The decision log over HTTP against a real server: query by policy, version, time, rule and
 * outcome field (newest first, keyset pages), one decision with its input and trace (stored or
 * recomputed), replay (the deciding version reproduces the logged decision exactly; another
 * version or the draft gives the diff), roles, and another tenant's ids answering 404 exactly
 * like ids that were never issued.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solumReturn } from '../helpers/returns.ts';
import { sample } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let viewer: string;
/** Decision ids by name, in the order they were made. */
const ids: Record<string, string> = {};

// Bought in the holiday range, returned Jan 10, 2024 (version 2 decides: 215.00), and the same
// return in March (version 1: past the window, nothing). See test/api/simulate.test.ts for the sums.
const holidayEsl = solumReturn({ placedAt: '2023-11-15T10:00:00Z', deliveredAt: '2023-11-18T15:00:00Z', items: [['E29', 'esl', 21.5, 10]] });
const newtonLink = solumReturn({ placedAt: '2024-02-01T10:00:00Z', deliveredAt: '2024-02-03T15:00:00Z', items: [['NL-1', 'newton_link', 120, 1]], refundMethod: 'debit_card' });
const made: Array<[name: string, body: Record<string, unknown>]> = [
  ['jan10', { input: holidayEsl, at: '2024-01-10T12:00:00Z' }],
  ['jan11-traced', { input: holidayEsl, at: '2024-01-11T12:00:00Z', trace: true }],
  ['feb20', { input: newtonLink, at: '2024-02-20T12:00:00Z' }],
  ['mar01', { input: holidayEsl, at: '2024-03-01T12:00:00Z' }],
];

beforeAll(async () => {
  server = await startServer();
  viewer = await server.key('solum', 'viewer');
  const decider = await server.key('solum', 'decider');
  for (const [name, body] of made) {
    const res = await server.post('/v1/policies/returns/decide', body, decider);
    expect(res.status, res.text).toBe(200);
    ids[name] = res.body.id;
  }
  const points = sample('soom', 'soom-points-member-delivered-year-end');
  const soom = await server.post('/v1/policies/points/decide', { input: { order: points.order, request: points.requests.points }, at: points.at }, await server.key('soom', 'decider'));
  expect(soom.status, soom.text).toBe(200);
  ids.soom = soom.body.id;
});
afterAll(() => server?.close());

const list = async (query: string, key = viewer) => server.get(`/v1/decisions${query}`, key);
const names = (body: { decisions: Array<{ id: string }> }) => body.decisions.map((d) => Object.keys(ids).find((n) => ids[n] === d.id));

describe('GET /v1/decisions', () => {
  it("lists the tenant's decisions newest first (by `at`), without inputs or traces", async () => {
    const res = await list('?policy=returns');
    expect(res.status, res.text).toBe(200);
    expect(names(res.body)).toEqual(['mar01', 'feb20', 'jan11-traced', 'jan10']);
    const first = res.body.decisions[0];
    expect(first).toMatchObject({ policy: 'returns', version: 1, at: '2024-03-01T12:00:00Z', rule: 'nothing-returnable', error: null, hasTrace: false });
    expect(first).not.toHaveProperty('input');
    expect(res.body.decisions.find((d: { id: string }) => d.id === ids['jan11-traced']).hasTrace).toBe(true);
    // The soom decision is another tenant's.
    expect(names((await list('')).body)).not.toContain('soom');
  });

  it('filters by version, time range, rule and an outcome field', async () => {
    expect(names((await list('?policy=returns&version=2')).body)).toEqual(['jan11-traced', 'jan10']);
    expect(names((await list('?from=2024-01-11T00:00:00Z&until=2024-03-01T12:00:00Z')).body)).toEqual(['feb20', 'jan11-traced']);
    expect(names((await list('?rule=nothing-returnable')).body)).toEqual(['mar01']);
    expect(names((await list('?field=eligible&value=false')).body)).toEqual(['mar01']);
    expect(names((await list('?field=eligible&value=true&policy=returns')).body)).toEqual(['feb20', 'jan11-traced', 'jan10']);
    // Nested fields, dotted or as a JSON Pointer; strict JSON equality (a debit card refund takes up to 10 days).
    expect(names((await list('?field=refundEta.maxBusinessDays&value=10')).body)).toEqual(['feb20']);
    expect(names((await list('?field=/items/0/refundAmount&value=215')).body)).toEqual(['jan11-traced', 'jan10']);
    expect(names((await list('?field=items.0.rule&value=within-return-window')).body)).toEqual(['feb20', 'jan11-traced', 'jan10']);
    expect(names((await list('?field=eligible&value=1')).body)).toEqual([]);
    expect(names((await list('?field=refundAmount&value=%22215%22')).body)).toEqual([]);
  });

  it('pages with a cursor, each page newest first, until no nextCursor', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await list(`?policy=returns&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.decisions).toHaveLength(1);
      seen.push(...names(res.body).map(String));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual(['mar01', 'feb20', 'jan11-traced', 'jan10']);
  });

  it('answers 400 with /query paths to bad filters', async () => {
    for (const [query, path] of [
      ['?field=eligible', '/query/value'],
      ['?value=true', '/query/field'],
      ['?field=a%22b&value=1', '/query/field'],
      ['?field=eligible&value=%7B%7D', '/query/value'],
      ['?from=yesterday', '/query/from'],
      ['?limit=0', '/query/limit'],
      ['?cursor=nope', '/query/cursor'],
      ['?polcy=returns', '/query/polcy'],
    ]) {
      const res = await list(query!);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
  });
});

describe('GET /v1/decisions/{id}', () => {
  it('returns the decision with its input, and its stored trace when it was traced', async () => {
    const plain = await server.get(`/v1/decisions/${ids.jan10}`, viewer);
    expect(plain.status, plain.text).toBe(200);
    expect(plain.body).toMatchObject({ id: ids.jan10, tenant: 'solum', policy: 'returns', version: 2, at: '2024-01-10T12:00:00Z', input: holidayEsl, rule: 'refund-minus-return-fee' });
    expect(plain.body.decision.refundAmount).toBe(215);
    expect(plain.body).not.toHaveProperty('trace');
    const traced = await server.get(`/v1/decisions/${ids['jan11-traced']}`, viewer);
    expect(traced.body.traceSource).toBe('stored');
    expect(traced.body.trace).toMatchObject({ at: '2024-01-11T12:00:00Z', matched: 'refund-minus-return-fee' });
  });

  it('recomputes the trace on request, identical to the one stored at decide time', async () => {
    const stored = await server.get(`/v1/decisions/${ids['jan11-traced']}`, viewer);
    const recomputed = await server.get(`/v1/decisions/${ids['jan11-traced']}?trace=recompute`, viewer);
    expect(recomputed.body.traceSource).toBe('recomputed');
    expect(recomputed.body.trace).toEqual(stored.body.trace);
    const untraced = await server.get(`/v1/decisions/${ids.jan10}?trace=recompute`, viewer);
    expect(untraced.body.trace.matched).toBe('refund-minus-return-fee');
  });
});

describe('POST /v1/decisions/{id}/replay', () => {
  it('reproduces every logged decision exactly with the version that made it', async () => {
    for (const name of ['jan10', 'jan11-traced', 'feb20', 'mar01', 'soom']) {
      const key = name === 'soom' ? await server.key('soom', 'viewer') : viewer;
      const res = await server.post(`/v1/decisions/${ids[name]}/replay`, {}, key);
      expect(res.status, res.text).toBe(200);
      expect(res.body.equal, name).toBe(true);
      expect(res.body.changes).toEqual([]);
      expect(res.body.replayed).toEqual(res.body.logged);
    }
  });

  it('diffs another version against the logged decision', async () => {
    const res = await server.post(`/v1/decisions/${ids.jan10}/replay`, { version: 1 }, viewer);
    expect(res.body).toMatchObject({ equal: false, at: '2024-01-10T12:00:00Z', logged: { version: 2 }, replayed: { version: 1 } });
    expect(res.body.changes).toContainEqual({ path: '/refundAmount', before: 215, after: 0 });
    expect(res.body.changes).toContainEqual({ path: '/eligible', before: true, after: false });
    expect(res.body.changes).toContainEqual({ path: '/rule', before: 'refund-minus-return-fee', after: 'nothing-returnable' });
  });

  it('replays with the draft, and answers 422 for a draft or version that does not exist', async () => {
    const editor = await server.key('solum', 'editor');
    expect((await server.post(`/v1/decisions/${ids.mar01}/replay`, { draft: true }, viewer)).status).toBe(422);
    const document = JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8'));
    document.params.returnWindowDays.value = 120;
    const saved = await server.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document }, headers: { 'If-None-Match': '*' } });
    expect(saved.status, saved.text).toBe(201);
    // Returned on day 104 after delivery: inside a 120-day window.
    const res = await server.post(`/v1/decisions/${ids.mar01}/replay`, { draft: true }, viewer);
    expect(res.status, res.text).toBe(200);
    expect(res.body.replayed).toMatchObject({ draft: true, etag: saved.headers.get('etag')!.replace(/"/g, '') });
    expect(res.body.changes).toContainEqual({ path: '/refundAmount', before: 0, after: 215 });
    const missing = await server.post(`/v1/decisions/${ids.jan10}/replay`, { version: 9 }, viewer);
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: '/version', message: 'no version 9' }]);
    expect((await server.post(`/v1/decisions/${ids.jan10}/replay`, { version: 1, draft: true }, viewer)).status).toBe(400);
  });
});

describe('roles and tenants', () => {
  it('lets every role but decider read the log', async () => {
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      const key = await server.key('solum', role);
      expect((await list('', key)).status).toBe(200);
      expect((await server.get(`/v1/decisions/${ids.jan10}`, key)).status).toBe(200);
      expect((await server.post(`/v1/decisions/${ids.jan10}/replay`, {}, key)).status).toBe(200);
    }
    const decider = await server.key('solum', 'decider');
    expect((await list('', decider)).status).toBe(403);
    expect((await server.get(`/v1/decisions/${ids.jan10}`, decider)).status).toBe(403);
    expect((await server.post(`/v1/decisions/${ids.jan10}/replay`, {}, decider)).status).toBe(403);
  });

  it("answers another tenant's decision id exactly like one never issued (404)", async () => {
    const foreign = ids.soom!;
    const missing = foreign.replace(/[0-9]/g, '7').replace(/[A-Z]/g, 'Z');
    for (const [method, suffix] of [['GET', ''], ['GET', '?trace=recompute'], ['POST', '/replay']] as const) {
      const a = await server.request(method, `/v1/decisions/${foreign}${suffix}`, { key: viewer, ...(method === 'POST' ? { body: {} } : {}) });
      const b = await server.request(method, `/v1/decisions/${missing}${suffix}`, { key: viewer, ...(method === 'POST' ? { body: {} } : {}) });
      expect(a.status).toBe(404);
      expect(b.status).toBe(404);
      expect(a.body.detail.replace(foreign, 'X')).toBe(b.body.detail.replace(missing, 'X'));
      expect(a.body.errors).toEqual(b.body.errors);
    }
  });
});
