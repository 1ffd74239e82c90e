/**
 * Hostile policy documents through the API (issue 7, point 2): the corpus of
 * test/fixtures/hostile and hostile-schema (Function payloads, prototype paths and keys, runaway iteration,
 * unknown operators), documents generated here (10,000-deep nesting, huge tables, a wrong type
 * in every position of the DSL, a 50 MB body) and each route that accepts a document:
 *
 *   POST /v1/policies {document}                         400, nothing created
 *   POST …/simulate {candidate: {document}}              400 at /candidate/document/…
 *   PUT  …/draft                                          a draft is work in progress and may be saved
 *                                                         without compiling (README): 200 listing the
 *                                                         problem at its path; beyond the size and
 *                                                         nesting bounds 400, not saved
 *   POST …/draft/validate                                 200, valid: false, the problem at its path
 *   POST …/draft/test, …/draft/publish,
 *        …/simulate {candidate: {draft}}, replay {draft}  422 at the path, no version made
 *
 * The server runs in this process, so "nothing executed, nothing polluted" is checked where it
 * would show: Object.prototype and the global object are unchanged (a fixture sets
 * globalThis.hostileRan and Object.prototype.polluted if its payload ever ran), and after each
 * document /healthz and a decide answer as before.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eslReturn } from '../helpers/orders.ts';
import { expectProblem } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { ApiResponse, TestServer } from '../helpers/server.ts';

// hostile/: valid DSL that the safety checks refuse; hostile-schema/: refused by the DSL's schema itself.
const dirs = [new URL('../fixtures/hostile/', import.meta.url), new URL('../fixtures/hostile-schema/', import.meta.url)];
/** The JSON path of each fixture's offence (what the problem must name). */
const offence: Record<string, string> = {
  'derived-named-order.json': '/let/0/name',
  'duplicate-rule-id.json': '/rules/1/id',
  'get-constructor.json': '/totals/0/value/get/1',
  'log.json': '/otherwise/then/note',
  'merge-var-proto.json': '/let/0/value/merge/1/var',
  'method-function-constructor.json': '/rules/0/when',
  'method-json-logic-1x-exploit.json': '/rules/0/then/result',
  'method-sets-global.json': '/rules/0/then/ran',
  'missing-proto.json': '/each/rules/0/when/missing/1',
  'object-proto-key.json': '/rules/0/then/ok/object/__proto__',
  'proto-derived-name.json': '/let/0/name',
  'proto-param-name.json': '/params/__proto__',
  'proto-table-column.json': '/tables/fees/inputs/0/name',
  'proto-then-key.json': '/rules/0/then/__proto__',
  'reduce-cat-doubling.json': '/rules/0/when/reduce/1',
  'reduce-merge-doubling.json': '/totals/0/value/reduce/1',
  'runaway-reduce-in-maps.json': '/totals/0/value/map/1/map/1',
  'seven-nested-maps.json': '/rules/0/when/map/1/map/1',
  'table-unknown.json': '/rules/0/then/fee/table/0',
  'unknown-operator-in-totals.json': '/totals/0/value',
  'unknown-operator-untaken-branch.json': '/rules/0/when/if/1',
  'var-constructor-constructor.json': '/let/0/value/var',
  'var-proto.json': '/rules/0/when/==/0/var',
  'var-prototype-array.json': '/rules/0/when/!!/0/var/0',
};

/** A document as the text of its JSON (generated ones may be too deep for JSON.stringify). */
interface Hostile {
  name: string;
  text: string;
  path: string;
  /** Beyond the size or nesting bounds: not even saved as a draft. */
  shape?: boolean;
}

const tiny = {
  key: 'returns', title: 'hostile', input: { type: 'object' },
  params: { rate: { value: 0.5, description: 'a rate' } },
  tables: { fees: { inputs: [{ name: 'category' }], outputs: [{ name: 'fee' }], rows: [{ when: { category: 'esl' }, then: { fee: 5 } }], default: { fee: 0 } } },
  let: [{ name: 'n', value: 1 }],
  each: { over: { var: 'order.items' }, rules: [{ id: 'i', when: true, then: { ok: true } }], otherwise: { then: { ok: false } } },
  totals: [{ name: 't', value: 2 }],
  rules: [{ id: 'r', description: 'always', when: true, then: { ok: true } }],
  otherwise: { then: { ok: false } },
  tests: [{ name: 'x', at: '2024-01-01T00:00:00Z', input: { order: { items: [] } }, expect: { ok: true } }],
};

/** A copy of `doc` with the value at the JSON Pointer replaced. */
function withValue(doc: object, pointer: string, value: unknown): object {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const segments = pointer.slice(1).split('/');
  let node = copy as Record<string, unknown>;
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string, unknown>;
  node[segments.at(-1)!] = value;
  return copy;
}

/** A wrong type in every position of the DSL: the pointer it is refused at. */
const wrongTypes: Array<[string, unknown]> = [
  ['/key', 42], ['/title', []], ['/input', 'object'], ['/params', []], ['/params/rate', 5], ['/params/rate/description', 1],
  ['/tables', []], ['/tables/fees', 'x'], ['/tables/fees/inputs', {}], ['/tables/fees/rows', 1], ['/tables/fees/rows/0/when', []], ['/tables/fees/rows/0/then', 'fee'],
  ['/let', {}], ['/let/0', 1], ['/let/0/name', 7], ['/each', []], ['/each/rules', {}], ['/each/into', 3], ['/totals', 'x'], ['/totals/0/name', false],
  ['/rules', {}], ['/rules/0', []], ['/rules/0/id', 1], ['/rules/0/description', {}], ['/rules/0/then', []], ['/otherwise', []], ['/otherwise/then', 1],
  ['/tests', {}], ['/tests/0/name', null], ['/tests/0/at', 5], ['/tests/0/input', 'x'], ['/tests/0/expect', []],
];

function corpus(): Hostile[] {
  const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ f, dir }))).sort((a, b) => a.f.localeCompare(b.f));
  const out: Hostile[] = files.map(({ f, dir }) => {
    const doc = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>;
    if (!(f in offence)) throw new Error(`${f}: add the JSON path of its offence to the table`);
    return { name: f, text: JSON.stringify({ ...doc, key: 'returns' }), path: offence[f]! };
  });
  // 10,000 levels: built as text (JSON.stringify itself would overflow the stack).
  const deep = JSON.stringify({ ...tiny, tests: undefined, rules: [{ id: 'r', when: '@DEEP@', then: { ok: true } }] }).replace('"@DEEP@"', `${'['.repeat(10_000)}1${']'.repeat(10_000)}`);
  out.push({ name: '10,000-deep nesting', text: deep, path: '/rules/0/when/0/0/0/0', shape: true });
  const rows = Array.from({ length: 1001 }, (_, i) => ({ when: { category: `c${i}` }, then: { fee: i } }));
  out.push({ name: 'a table of 1,001 rows', text: JSON.stringify(withValue(tiny, '/tables/fees/rows', rows)), path: '/tables/fees/rows' });
  const inputs = Array.from({ length: 51 }, (_, i) => ({ name: `c${i}` }));
  out.push({ name: 'a table of 52 columns', text: JSON.stringify(withValue(tiny, '/tables/fees/inputs', inputs)), path: '/tables/fees' });
  const wide = Array.from({ length: 10_001 }, (_, i) => i);
  out.push({ name: 'a literal array of 10,001 elements', text: JSON.stringify(withValue(tiny, '/rules/0/when', { in: [1, wide] })), path: '/rules/0/when/in/1', shape: true });
  for (const [pointer, value] of wrongTypes) out.push({ name: `wrong type at ${pointer}`, text: JSON.stringify(withValue(tiny, pointer, value)), path: pointer });
  // Wrong types and arities inside expressions.
  const expressions: unknown[] = [{ var: { a: 1 } }, { map: 'x' }, { map: [[1], { '+': [1] }, 3] }, { table: [1, 2] }, { in: [1] }, { '+': { a: 1 } }, { addDays: ['x'] }, { '': [] }];
  for (const e of expressions) out.push({ name: `expression ${JSON.stringify(e)}`, text: JSON.stringify(withValue(tiny, '/rules/0/when', e)), path: '/rules/0/when' });
  return out;
}

const documents = corpus();

let server: TestServer;
let admin: string;
let decider: string;
let valid: Record<string, unknown>;
let decisionId: string;
let baselineDecision: unknown;
const decideBody = { input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' };
const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
const globalNames = new Set(Object.getOwnPropertyNames(globalThis));

async function draft(): Promise<ApiResponse> {
  return server.get('/v1/policies/returns/draft', admin);
}

function send(method: string, path: string, text: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return server.request(method, path, { key: admin, body: text, headers });
}

/** Every problem path of a problem+json answer names the offence (or a path inside it) under `prefix`. */
function expectOffence(res: ApiResponse, status: number, prefix: string, path: string): void {
  expectProblem(res, status);
  const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path);
  expect(paths.some((p) => p.startsWith(`${prefix}${path}`)), `${res.text.slice(0, 500)}`).toBe(true);
}

function expectNothingPolluted(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((globalThis as Record<string, unknown>).hostileRan).toBeUndefined();
  expect(Object.getOwnPropertyNames(globalThis).filter((n) => !globalNames.has(n))).toEqual([]);
}

beforeAll(async () => {
  server = await startServer({ env: { SANDBOX_WORKERS: '1' } });
  admin = await server.key('solum', 'admin');
  decider = await server.key('solum', 'decider');
  valid = (await server.get('/v1/policies/returns', admin)).body.active.document;
  const created = await server.request('PUT', '/v1/policies/returns/draft', { key: admin, body: { document: valid }, headers: { 'If-None-Match': '*' } });
  expect(created.status, created.text).toBe(201);
  const decided = await server.post('/v1/policies/returns/decide', decideBody, decider);
  expect(decided.status, decided.text).toBe(200);
  decisionId = decided.body.id;
  baselineDecision = decided.body.decision;
}, 120_000);
afterAll(() => server?.close());

describe('hostile documents through the API', () => {
  it('has a corpus of at least 65 documents, each with the path of its offence', () => {
    expect(documents.length).toBeGreaterThanOrEqual(65);
  });

  it.each(documents.map((d) => [d.name, d] as const))('%s: refused on every route at its path, nothing run, stored or polluted', async (_name, doc) => {
    const versionsBefore = (await server.get('/v1/policies/returns/versions', admin)).body;
    const policiesBefore = (await server.get('/v1/policies', admin)).body;
    const before = await draft();
    expect(before.status).toBe(200);

    // Routes that never store: each a 400 naming the path inside the body.
    expectOffence(await send('POST', '/v1/policies', `{"document": ${doc.text}}`), 400, '/document', doc.path);
    expectOffence(await send('POST', '/v1/policies/returns/simulate', `{"candidate": {"document": ${doc.text}}, "cases": {"samples": true}}`), 400, '/candidate/document', doc.path);

    const saved = await send('PUT', '/v1/policies/returns/draft', `{"document": ${doc.text}}`, { 'If-Match': before.headers.get('etag')! });
    if (doc.shape) {
      // Beyond the bounds: not saved; the draft is as it was.
      expectOffence(saved, 400, '/document', doc.path);
      const after = await draft();
      expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
      expect(after.body.document).toEqual(before.body.document);
    } else {
      // Work in progress: saved, not valid, the problem at its path; nothing of it runs.
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body.valid).toBe(false);
      expect(saved.body.problems.some((p: { path: string }) => p.path.startsWith(doc.path)), saved.text.slice(0, 500)).toBe(true);
      const validation = await server.post('/v1/policies/returns/draft/validate', {}, admin);
      expect(validation.status).toBe(200);
      expect(validation.body.valid).toBe(false);
      expect(validation.body.problems.some((p: { path: string }) => p.path.startsWith(doc.path))).toBe(true);
      expectOffence(await server.post('/v1/policies/returns/draft/test', {}, admin), 422, '', doc.path);
      const etag = saved.headers.get('etag')!;
      expectOffence(await server.request('POST', '/v1/policies/returns/draft/publish', { key: admin, body: { reason: 'hostile' }, headers: { 'If-Match': etag } }), 422, '', doc.path);
      expectOffence(await server.post('/v1/policies/returns/simulate', { candidate: { draft: true }, cases: { samples: true } }, admin), 422, '', doc.path);
      expectOffence(await server.post(`/v1/decisions/${decisionId}/replay`, { draft: true }, admin), 422, '', doc.path);
      // The refused publish left the draft as saved.
      expect((await draft()).headers.get('etag')).toBe(etag);
      const restored = await server.request('PUT', '/v1/policies/returns/draft', { key: admin, body: { document: valid }, headers: { 'If-Match': etag } });
      expect(restored.status, restored.text).toBe(200);
    }

    // Nothing published or created, nothing polluted, and the server decides as before.
    expect((await server.get('/v1/policies/returns/versions', admin)).body).toEqual(versionsBefore);
    expect((await server.get('/v1/policies', admin)).body.policies?.map((p: { key: string }) => p.key)).toEqual(policiesBefore.policies?.map((p: { key: string }) => p.key));
    expectNothingPolluted();
    expect((await server.get('/healthz')).status).toBe(200);
    const decided = await server.post('/v1/policies/returns/decide', decideBody, decider);
    expect(decided.status).toBe(200);
    expect(decided.body.decision).toEqual(baselineDecision);
  });

  it('a 50 MB document is refused by the body limit (413 problem+json) on every route, and the server answers after', async () => {
    const huge = `{"document": {"key": "returns", "title": "${'x'.repeat(50 * 1024 * 1024)}"}}`;
    const before = await draft();
    for (const [method, path, headers] of [
      ['PUT', '/v1/policies/returns/draft', { 'If-Match': before.headers.get('etag')! }],
      ['POST', '/v1/policies', {}],
      ['POST', '/v1/policies/returns/simulate', {}],
    ] as const) {
      const res = await send(method, path, huge, headers);
      expectProblem(res, 413);
    }
    expect((await draft()).headers.get('etag')).toBe(before.headers.get('etag'));
    expectNothingPolluted();
    expect((await server.get('/healthz')).status).toBe(200);
    expect((await server.post('/v1/policies/returns/decide', decideBody, decider)).body.decision).toEqual(baselineDecision);
  }, 120_000);

  it('a test input with a "__proto__" key runs as plain data: no prototype is set, nothing polluted', async () => {
    const document = {
      ...valid,
      fixtures: { base: { order: { id: 'x' } } },
      tests: [{ name: 'proto input', at: '2024-01-01T00:00:00Z', base: 'base', input: JSON.parse('{"__proto__": {"polluted": "yes"}, "request": {}}'), expect: { eligible: true } }],
    };
    const before = await draft();
    const saved = await send('PUT', '/v1/policies/returns/draft', JSON.stringify({ document }), { 'If-Match': before.headers.get('etag')! });
    expect(saved.status, saved.text).toBe(200);
    const report = await server.post('/v1/policies/returns/draft/test', {}, admin);
    expect(report.status, report.text).toBe(200);
    // The input with its own "__proto__" key fails the input schema like any unknown field would.
    expect(report.body.tests[0].passed).toBe(false);
    expectNothingPolluted();
    const restored = await server.request('PUT', '/v1/policies/returns/draft', { key: admin, body: { document: valid }, headers: { 'If-Match': saved.headers.get('etag')! } });
    expect(restored.status).toBe(200);
  });
});
