/**
 * The bounds of POST /v1/policies/{policy}/simulate against real servers: the draft as the
 * candidate (saved even when it does not compile; a cursor is tied to its ETag),
 * SIMULATE_MAX_CASES (refused before any case is evaluated, never cut silently) and
 * SIMULATE_TIMEOUT_MS (a 422, or a last problem line once a stream has started).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayCases } from '../helpers/returns.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let editor: string;
const path = '/v1/policies/returns/simulate';

beforeAll(async () => {
  server = await startServer();
  editor = await server.key('solum', 'editor');
});
afterAll(() => server?.close());

const sim = (body: unknown, key = editor) => server.post(path, body, key);
const { A, B, C, D, E } = holidayCases;
const orders = [A, B, C, D, E];

describe('the draft', () => {
  it('is simulated as saved, named with its ETag; its cursor dies when the draft is saved again', async () => {
    const none = await sim({ candidate: { draft: true }, cases: { orders } });
    expect(none.status).toBe(422);
    expect(none.body.errors[0].path).toBe('/candidate/draft');
    const document = JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8'));
    document.params.returnWindowDays.value = 45;
    const saved = await server.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document }, headers: { 'If-None-Match': '*' } });
    expect(saved.status, saved.text).toBe(201);
    const etag = saved.headers.get('etag')!;
    const late = { ...C, id: 'C45', at: '2023-10-20T12:00:00Z' };
    const body = { candidate: { draft: true }, baseline: { version: 1 }, cases: { orders: [late, A] }, page: { limit: 1 } };
    const res = await sim(body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.candidate).toEqual({ draft: true, etag: etag.replace(/"/g, '') });
    expect(res.body.summary.fields['/refundAmount']).toEqual({ changed: 1, up: 21.5, down: 0, net: 21.5 });
    expect(res.body.changes.map((c: { id: string }) => c.id)).toEqual(['C45']);

    // Saved again: the next page of the old run would answer another question.
    document.params.returnWindowDays.value = 46;
    const resaved = await server.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document }, headers: { 'If-Match': etag } });
    expect(resaved.status, resaved.text).toBe(200);
    const stale = await sim({ ...body, page: { limit: 1, cursor: res.body.nextCursor } });
    expect(stale.status).toBe(400);
    expect(stale.body.errors).toEqual([{ path: '/page/cursor', message: 'does not match this simulation' }]);
    // A draft is saved even when it does not compile; simulating it says where it does not.
    document.rules[0].when = { frobnicate: [1] };
    const broken = await server.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document }, headers: { 'If-Match': resaved.headers.get('etag')! } });
    expect(broken.status, broken.text).toBe(200);
    const refused = await sim(body);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/does not compile/);
    expect(refused.body.errors[0].path).toMatch(/^\/rules\/0\/when/);
    const deleted = await server.request('DELETE', '/v1/policies/returns/draft', { key: editor, headers: { 'If-Match': broken.headers.get('etag')! } });
    expect(deleted.status, deleted.text).toBe(204);
  });
});


describe('limits', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startServer({ env: { SIMULATE_MAX_CASES: '3' } });
  });
  afterAll(() => small?.close());

  it('refuses more cases than SIMULATE_MAX_CASES, naming the setting, before evaluating any', async () => {
    const key = await small.key('solum', 'editor');
    const tooMany = await small.post(path, { candidate: { version: 2 }, cases: { orders: [A, B, C, D] } }, key);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([{ path: '/cases/orders', message: 'holds 4 cases, more than 3' }]);
    expect(tooMany.body.detail).toMatch(/SIMULATE_MAX_CASES/);
    const samples = await small.post(path, { candidate: { version: 2 }, cases: { samples: true } }, key);
    expect(samples.status).toBe(400);
    const decider = await small.key('solum', 'decider');
    for (const c of [A, B, C, D]) await small.post('/v1/policies/returns/decide', { input: c.input, at: c.at }, decider);
    const range = { from: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z' };
    const whole = await small.post(path, { candidate: { version: 1 }, cases: { decisions: range } }, key);
    expect(whole.status).toBe(422);
    expect(whole.body.detail).toMatch(/holds 4 decisions/);
    const cut = await small.post(path, { candidate: { version: 1 }, cases: { decisions: { ...range, limit: 3 } } }, key);
    expect(cut.body.summary.evaluated).toBe(3);
  });
});


describe('the time budget', () => {
  let slow: TestServer;
  beforeAll(async () => {
    slow = await startServer({ env: { SIMULATE_TIMEOUT_MS: '100' } });
  });
  afterAll(() => slow?.close());

  it('stops a run past SIMULATE_TIMEOUT_MS with a 422, or a last problem line when streaming', async () => {
    const document = JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8'));
    // Each evaluation spends most of the engine's step budget (1,000,000) before deciding.
    document.let.unshift({ name: 'burn', value: { map: [{ range: [900] }, { reduce: [{ range: [900] }, { '+': [{ var: 'accumulator' }, 1] }, 0] }] } });
    const key = await slow.key('solum', 'editor');
    const body = { candidate: { document }, baseline: { version: 1 }, cases: { orders: Array.from({ length: 50 }, () => A) } };
    const started = Date.now();
    const res = await slow.post(path, body, key);
    expect(res.status, res.text).toBe(422);
    expect(res.body.detail).toMatch(/SIMULATE_TIMEOUT_MS \(100 ms\)/);
    expect(Date.now() - started).toBeLessThan(5_000);
    const streamed = await fetch(`${slow.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', Accept: 'application/x-ndjson' }, body: JSON.stringify(body) });
    expect(streamed.status).toBe(200);
    const lines = (await streamed.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1).problem, JSON.stringify(lines.slice(-3)).slice(0, 800)).toMatchObject({ status: 422, type: '/problems/unprocessable' });
  });
});

