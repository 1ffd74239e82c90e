/**
 * The sandbox through the API: a draft inside every static bound and the engine's per-evaluation
 * budget, but heavy in total (1,000 embedded tests of ~10^6 iteration steps each, minutes of
 * work), is stopped at SANDBOX_TIMEOUT_MS when its tests run (draft/test, publish): 422
 * evaluation-failed naming the time budget, no version made, the draft unchanged. Meanwhile and
 * after, the process answers /healthz and decides; the next draft test run is served by a new
 * worker. Simulations and replays against the draft run in the sandbox too, with the same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentRef } from '../../server/sandbox/pool.ts';
import { caseComparer } from '../../server/services/simulation-compare.ts';
import { eslReturn, samples } from '../helpers/orders.ts';
import { expectProblem } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { ApiResponse, TestServer } from '../helpers/server.ts';

const TIMEOUT_MS = 1500;
let server: TestServer;
let admin: string;
let decider: string;
let valid: Record<string, unknown>;
const decideBody = { input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' };

const thousand = Array.from({ length: 1000 }, (_, i) => i);
/** ~10^6 steps: `some` over 1,000 × 999 elements, never true. Within the budget of one evaluation. */
const heavyWhen = { some: [thousand, { some: [thousand.slice(1), { '==': [{ var: '' }, -1] }] }] };
const heavy = () => ({
  key: 'returns', title: 'heavy but within bounds', input: { type: 'object' },
  rules: [{ id: 'heavy', description: 'a lot of work, each evaluation within its budget', when: heavyWhen, then: { ok: true } }],
  otherwise: { then: { ok: false } },
  tests: Array.from({ length: 1000 }, (_, i) => ({ name: `t${i}`, at: '2024-01-01T00:00:00Z', input: {}, expect: { ok: false } })),
});

async function draftEtag(): Promise<string> {
  return (await server.get('/v1/policies/returns/draft', admin)).headers.get('etag')!;
}

async function save(document: unknown): Promise<ApiResponse> {
  return server.request('PUT', '/v1/policies/returns/draft', { key: admin, body: { document }, headers: { 'If-Match': await draftEtag() } });
}

beforeAll(async () => {
  server = await startServer({ env: { SANDBOX_TIMEOUT_MS: String(TIMEOUT_MS), SANDBOX_WORKERS: '1' } });
  admin = await server.key('solum', 'admin');
  decider = await server.key('solum', 'decider');
  valid = (await server.get('/v1/policies/returns', admin)).body.active.document;
  const created = await server.request('PUT', '/v1/policies/returns/draft', { key: admin, body: { document: valid }, headers: { 'If-None-Match': '*' } });
  expect(created.status, created.text).toBe(201);
  await server.runtime.sandbox.whenReady(60_000);
  // Warm: the first decide compiles the version; the race below is about the sandbox, not that.
  expect((await server.post('/v1/policies/returns/decide', decideBody, decider)).status).toBe(200);
}, 120_000);
afterAll(() => server?.close());

function expectTimeBudget(res: ApiResponse, path: string): void {
  expectProblem(res, 422, '/problems/evaluation-failed');
  expect(res.body.budget).toEqual({ kind: 'time', limit: TIMEOUT_MS, unit: 'ms' });
  expect(res.body.detail).toContain(`SANDBOX_TIMEOUT_MS = ${TIMEOUT_MS} ms`);
  expect(res.body.errors).toEqual([{ path, message: 'exceeded the time budget' }]);
}


/** Records the kind of every task the server hands its sandbox, until restore(). */
function recordSandboxTasks(): { kinds: string[]; restore: () => void } {
  const sandbox = server.runtime.sandbox;
  const kinds: string[] = [];
  const run = sandbox.run.bind(sandbox);
  sandbox.run = ((task: { kind: string }, subject: string) => {
    kinds.push(task.kind);
    return run(task as never, subject);
  }) as typeof sandbox.run;
  return { kinds, restore: () => void (sandbox.run = run) };
}
describe('the sandbox through the API', () => {
  it('a draft test run within every bound but heavy in total is stopped at the timeout; the process serves others meanwhile', async () => {
    const saved = await save(heavy());
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.valid, saved.text.slice(0, 300)).toBe(true);
    const killedBefore = server.runtime.sandbox.stats.killed.time;

    let testAnsweredAt = 0;
    const testing = server.post('/v1/policies/returns/draft/test', {}, admin).then((res) => {
      testAnsweredAt = performance.now();
      return res;
    });
    // While the worker grinds, this process answers.
    const health = await server.get('/healthz');
    const decided = await server.post('/v1/policies/returns/decide', decideBody, decider);
    const servedAt = performance.now();
    expect(health.status).toBe(200);
    expect(decided.status, decided.text).toBe(200);

    expectTimeBudget(await testing, '/tests');
    expect(servedAt).toBeLessThan(testAnsweredAt);
    expect(server.runtime.sandbox.stats.killed.time).toBe(killedBefore + 1);
  });

  it('publishing that draft is refused the same way: no version made, the draft unchanged', async () => {
    const versions = (await server.get('/v1/policies/returns/versions', admin)).body;
    const etag = await draftEtag();
    const res = await server.request('POST', '/v1/policies/returns/draft/publish', { key: admin, body: { reason: 'heavy' }, headers: { 'If-Match': etag } });
    expectTimeBudget(res, '/tests');
    expect((await server.get('/v1/policies/returns/versions', admin)).body).toEqual(versions);
    expect(await draftEtag()).toBe(etag);
  });

  it('after the kills, a new worker runs the next draft test run, and decide answers as before', async () => {
    expect((await save(valid)).status).toBe(200);
    const report = await server.post('/v1/policies/returns/draft/test', {}, admin);
    expect(report.status, report.text.slice(0, 300)).toBe(200);
    expect(report.body.passed).toBe(true);
    expect(report.body.total).toBeGreaterThan(10);
    expect((await server.get('/healthz')).status).toBe(200);
    expect((await server.post('/v1/policies/returns/decide', decideBody, decider)).status).toBe(200);
  });

  it('simulation (paged and streamed) and replay against the draft answer from the sandbox as the engine would', async () => {
    const body = { candidate: { draft: true }, baseline: { version: 1 }, cases: { samples: true } };
    const paged = await server.post('/v1/policies/returns/simulate', body, admin);
    expect(paged.status, paged.text.slice(0, 300)).toBe(200);
    expect(paged.body.summary.evaluated).toBe(35);
    const streamed = await server.request('POST', '/v1/policies/returns/simulate', { key: admin, body, headers: { Accept: 'application/x-ndjson' } });
    expect(streamed.status).toBe(200);
    const lines = streamed.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1).summary).toEqual(paged.body.summary);
    expect(lines.filter((l) => l.change).map((l) => l.change)).toEqual(paged.body.changes);

    const decided = await server.post('/v1/policies/returns/decide', decideBody, decider);
    const replay = await server.post(`/v1/decisions/${decided.body.id}/replay`, { draft: true }, admin);
    expect(replay.status, replay.text).toBe(200);
    // The draft is the active version's document: the same decision.
    expect(replay.body.replayed.decision).toEqual(decided.body.decision);
    expect(replay.body.equal).toBe(true);
  });

  it('a case comparer given the sandbox (the hook for the tenant-wide what-if) compares exactly as on this thread', async () => {
    const rt = server.runtime;
    const entry = (await rt.cache.policy('solum', 'returns'))!;
    const v1 = await rt.cache.compiled('solum', 'returns', 1);
    if (!v1.ok) throw new Error('version 1 compiles');
    const candidate = { compiled: v1.policy, document: v1.policy.document };
    const here = caseComparer(rt.cache, 'solum', 'returns', entry.activations, candidate);
    const there = caseComparer(rt.cache, 'solum', 'returns', entry.activations, { compiled: null, document: v1.policy.document }, { sandbox: rt.sandbox, subject: '/changes/0' });
    const cases = samples('solum').filter((s) => s.requests.returns !== undefined);
    expect(cases.length).toBeGreaterThan(10);
    for (const s of cases) {
      const c = { id: s.name, input: { order: s.order, request: s.requests.returns }, at: s.at };
      expect(await there(c, 'active')).toEqual(await here(c, 'active'));
    }
  });

  it('an allocation bomb given to the server\'s own sandbox (static checks and budget lifted, test-only) is stopped at the memory limit; the server answers right after', async () => {
    const bomb = {
      key: 'returns', title: 'bomb', input: { type: 'object' },
      rules: [{ id: 'r', when: true, then: { x: { map: [thousand, { map: [thousand, { merge: [thousand, { var: '' }] }] }] } } }],
      otherwise: { then: { x: null } },
    };
    // A server of its own, whose time budget is longer than filling its heap takes.
    const other = await startServer({ env: { SANDBOX_TIMEOUT_MS: '120000', SANDBOX_MEMORY_MB: '96', SANDBOX_WORKERS: '1' } });
    try {
      await other.runtime.sandbox.whenReady(60_000);
      const unsafe = { budget: { steps: Number.POSITIVE_INFINITY, maxCollection: Number.POSITIVE_INFINITY } };
      const task = other.runtime.sandbox.run({ kind: 'evaluate', document: documentRef(bomb), input: {}, at: '2024-01-01T00:00:00Z', unsafe }, '/rules/0/then/x');
      const err = await task.then(() => null, (e: unknown) => e as { status: number; extra: { members: unknown } });
      expect(err?.status).toBe(422);
      expect(err?.extra.members).toEqual({ budget: { kind: 'memory', limit: 96, unit: 'MB' } });
      expect(other.runtime.sandbox.stats.killed.memory).toBe(1);
      expect((await other.get('/healthz')).status).toBe(200);
      const decided = await other.post('/v1/policies/returns/decide', decideBody, await other.key('solum', 'decider'));
      expect(decided.status, decided.text).toBe(200);
      const editor = await other.key('solum', 'editor');
      const created = await other.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document: valid }, headers: { 'If-None-Match': '*' } });
      expect(created.status).toBe(201);
      expect((await other.post('/v1/policies/returns/draft/test', {}, editor)).status).toBe(200);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('draft saves, reads and validations compile and analyse the draft in the sandbox, as its test runs do', async () => {
    const { kinds, restore } = recordSandboxTasks();
    try {
      const saved = await save({ ...valid, title: 'checked in the sandbox' });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body.valid).toBe(true);
      expect((await server.get('/v1/policies/returns/draft', admin)).body.valid).toBe(true);
      expect((await server.post('/v1/policies/returns/draft/validate', {}, admin)).body.valid).toBe(true);
      expect((await server.post('/v1/policies/returns/draft/test', {}, admin)).body.passed).toBe(true);
      // save() reads the draft for its ETag, then PUTs it: a check each; then GET, validate, test.
      expect(kinds).toEqual(['check', 'check', 'check', 'check', 'tests']);
      const broken = await save({ ...valid, rules: [{ id: 'x', when: { bogus: [] }, then: {} }] });
      expect(broken.body.valid).toBe(false);
      expect(broken.body.problems).toEqual([{ path: '/rules/0/when', message: 'unknown operator "bogus" (see README, Operators)' }]);
    } finally {
      restore();
      expect((await save(valid)).status).toBe(200);
    }
  });

  it('a simulated document or draft, a replay against the draft and a new policy\'s document are compiled in the sandbox', async () => {
    const { kinds, restore } = recordSandboxTasks();
    try {
      const one = samples('solum').find((s) => s.requests.returns !== undefined)!;
      const cases = { orders: [{ input: { order: one.order, request: one.requests.returns }, at: one.at }] };
      expect((await server.post('/v1/policies/returns/simulate', { candidate: { document: valid }, cases }, admin)).status).toBe(200);
      expect(kinds).toEqual(['check', 'compare']);
      kinds.length = 0;
      expect((await server.post('/v1/policies/returns/simulate', { candidate: { draft: true }, cases }, admin)).status).toBe(200);
      expect(kinds).toEqual(['check', 'compare']);
      kinds.length = 0;
      const decided = await server.post('/v1/policies/returns/decide', decideBody, decider);
      expect((await server.post(`/v1/decisions/${decided.body.id}/replay`, { draft: true }, admin)).body.equal).toBe(true);
      expect(kinds).toEqual(['check', 'evaluate']);
      kinds.length = 0;
      const created = await server.post('/v1/policies', { document: { ...valid, key: 'returns-copy' } }, admin);
      expect(created.status, created.text.slice(0, 300)).toBe(201);
      expect(kinds).toEqual(['check']);
      const refused = await server.post('/v1/policies', { document: { ...valid, key: 'returns-bad', rules: [{ id: 'x', when: { bogus: [] }, then: {} }] } }, admin);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ path: '/document/rules/0/when', message: 'unknown operator "bogus" (see README, Operators)' }]);
    } finally {
      restore();
    }
  });
});
