/**
 * The publish and history models, in Node: what a refused publish shows (editor/src/
 * publish-model.ts, from the server's real 422 of a draft whose test fails), the readable
 * version diff (editor/src/doc-diff.ts), the decision summaries (editor/src/decision-summary.ts)
 * and the API client's routes for publishing, scheduling and the decision log.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, createApi, parseProblem, queryString } from '../../editor/src/api.ts';
import { compactValue, outcomeFields, readablePath } from '../../editor/src/decision-summary.ts';
import { describeChange, groupChanges, ordinal } from '../../editor/src/doc-diff.ts';
import { formatJson } from '../../editor/src/format-json.ts';
import { rulePath } from '../../editor/src/policy-editor.ts';
import { publishRefusal } from '../../editor/src/publish-model.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compile, runPolicyTests } from '../../server/engine/index.ts';

const RETURNS = JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8'));

function fakeFetch(answer: { status: number; body?: unknown }) {
  const calls: Array<{ url: string; method: string; headers: Record<string, string>; body: string | undefined }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('a refused publish', () => {
  // The server's 422: its `tests` member is the failing outcomes of the engine's own test run.
  const doc = structuredClone(RETURNS);
  doc.params.returnWindowDays.value = 10;
  const text = formatJson(doc);
  const compiled = compile(doc, { registry: schemaRegistry() });
  if (!compiled.ok) throw new Error('the edited document should compile');
  const failing = runPolicyTests(compiled.policy).filter((t) => !t.passed);
  const problem = { type: '/problems/unprocessable', title: 'Unprocessable request', status: 422, detail: `${failing.length} of 67 tests of the draft fail, so it cannot be published`, errors: failing.map((t) => ({ path: t.path, message: 'failed' })), tests: failing };

  it('keeps the problem\'s other members (the failing tests) on the ApiError', () => {
    const err = parseProblem({ status: 422, statusText: '', headers: new Headers() }, JSON.stringify(problem));
    expect(Object.keys(err.members)).toEqual(['tests']);
  });

  it('lists each failing test with what differed and the rule that decided it, at its line in the text', () => {
    const err = parseProblem({ status: 422, statusText: '', headers: new Headers() }, JSON.stringify(problem));
    const refusal = publishRefusal(err, text);
    if (refusal.kind !== 'tests') throw new Error(`expected the failing tests, got ${refusal.kind}`);
    expect(refusal.tests.map((t) => t.name)).toEqual(failing.map((t) => t.name));
    const first = refusal.tests[0]!;
    expect(first.messages[0]).toMatch(/^\/returnBy: expected "2024-04-05", got "2024-03-16"$/);
    const lines = text.split('\n');
    // The rule link points at the line where the rule with that id starts (here the otherwise).
    expect(first.rule).toMatchObject({ id: 'refund-minus-return-fee', path: rulePath(doc, 'refund-minus-return-fee') });
    expect(lines[first.rule!.line - 1]).toMatch(/^\s*"otherwise": \{/);
    const perItem = refusal.tests.find((t) => t.rule?.path.startsWith('/each/rules/'))!;
    // An element of an array is located at its opening brace: the id is on that line or the next.
    expect(lines.slice(perItem.rule!.line - 1, perItem.rule!.line + 1).join('\n')).toContain(`"id": "${perItem.rule!.id}"`);
    expect(lines.slice(first.line - 1, first.line + 1).join('\n')).toContain(`"name": ${JSON.stringify(first.name)}`);
  });

  it('tells a draft that does not compile, one identical to a version, and a stale one apart', () => {
    const compileErr = new ApiError(422, '/problems/unprocessable', 'Unprocessable', 'the draft does not compile', [{ path: '/rules/0/when', message: 'unknown operator' }], null);
    expect(publishRefusal(compileErr, formatJson(RETURNS))).toMatchObject({ kind: 'problems', problems: [{ path: '/rules/0/when', line: expect.any(Number) }] });
    expect(publishRefusal(new ApiError(409, '/problems/conflict', 'Conflict', 'identical to version 1', [], null, { version: 1, draftDiscarded: true }), '{}')).toEqual({ kind: 'identical', detail: 'identical to version 1', version: 1, discarded: true });
    // A draft saved again meanwhile is kept: the screen keeps it too.
    expect(publishRefusal(new ApiError(409, '/problems/conflict', 'Conflict', 'identical to version 1', [], null, { version: 1, draftDiscarded: false }), '{}')).toMatchObject({ kind: 'identical', discarded: false });
    expect(publishRefusal(new ApiError(412, '/problems/precondition-failed', 'Precondition failed', 'stale', [], null), '{}')).toMatchObject({ kind: 'stale' });
    expect(publishRefusal(new Error('boom'), '{}')).toMatchObject({ kind: 'error' });
  });
});

describe('a readable version diff', () => {
  const from = RETURNS;
  const to = structuredClone(RETURNS);
  to.rules.splice(1, 0, { id: 'new-rule', when: true, then: {} });

  it('names params with their unit, rules by id, table rows, tests by name', () => {
    expect(describeChange({ op: 'changed', path: '/params/returnWindowDays/value', before: 30, after: 10 }, { from, to })).toMatchObject({ group: 'Params', subject: 'returnWindowDays', where: '', unit: 'days' });
    expect(describeChange({ op: 'changed', path: '/params/holidayExtension/value/purchasedFrom', before: 'a', after: 'b' }, { from, to })).toMatchObject({ subject: 'holidayExtension', where: 'purchasedFrom' });
    expect(describeChange({ op: 'added', path: '/rules/1', after: {} }, { from, to })).toMatchObject({ group: 'Rules', subject: 'rule "new-rule" (2nd)', where: '', hasBefore: false, hasAfter: true });
    expect(describeChange({ op: 'removed', path: '/rules/0/then/eligible', before: false }, { from, to })).toMatchObject({ subject: `rule "${from.rules[0].id}" (1st)`, where: 'then › eligible' });
    const table = Object.keys(from.tables)[0]!;
    expect(describeChange({ op: 'changed', path: `/tables/${table}/rows/2/then`, before: 1, after: 2 }, { from, to })).toMatchObject({ group: 'Tables', subject: `table ${table}, row 3`, where: 'then' });
    expect(describeChange({ op: 'changed', path: '/tests/0/expect', before: 1, after: 2 }, { from, to }).subject).toBe(`test "${from.tests[0].name}" (1st)`);
    expect(describeChange({ op: 'changed', path: `/each/rules/0/when`, before: 1, after: 2 }, { from, to }).subject).toBe(`per-item rule "${from.each.rules[0].id}" (1st)`);
    expect(describeChange({ op: 'changed', path: '/title', before: 'a', after: 'b' }, { from, to })).toMatchObject({ group: 'Document', subject: 'title' });
  });

  it('without the documents still says where, and groups in reading order', () => {
    const changes = [
      describeChange({ op: 'changed', path: '/rules/4/when', before: 1, after: 2 }, { from: null, to: null }),
      describeChange({ op: 'changed', path: '/params/x/value', before: 1, after: 2 }, { from: null, to: null }),
      describeChange({ op: 'changed', path: '/title', before: 'a', after: 'b' }, { from: null, to: null }),
    ];
    expect(changes[0]).toMatchObject({ subject: 'rule 5th', where: 'when' });
    expect(groupChanges(changes).map((g) => g.group)).toEqual(['Params', 'Rules', 'Document']);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st']);
  });
});

describe('decision summaries', () => {
  it('shows manual review first, then booleans, then amounts, leaving out items and the rule', () => {
    expect(outcomeFields({ rule: 'r', items: [1], returnBy: '2024-01-01', refundAmount: 5, eligible: true, manualReview: null })).toEqual([
      ['eligible', true],
      ['refundAmount', 5],
      ['returnBy', '2024-01-01'],
    ]);
    expect(outcomeFields({ eligible: null, manualReview: 'support ticket' }, 2)).toEqual([
      ['manualReview', 'support ticket'],
      ['eligible', null],
    ]);
    expect(outcomeFields(null)).toEqual([]);
  });

  it('writes values compactly and decision paths as staff read them', () => {
    expect(compactValue({ minBusinessDays: 0, maxBusinessDays: 10 })).toBe('{minBusinessDays: 0, maxBusinessDays: 10}');
    expect(compactValue(['a', 1])).toBe('["a", 1]');
    expect(compactValue('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(readablePath('/items/0/refundAmount')).toBe('items[0].refundAmount');
    expect(readablePath('')).toBe('(the decision)');
  });
});

describe('the API client for publishing, scheduling and the log', () => {
  it('publishes with If-Match and the body; schedules and deletes activations; reads the timeline and versions', async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: {} });
    const api = createApi({ key: 'k', fetch });
    await api.publishDraft('returns', 'e1', { reason: 'why', activate: { from: '2030-01-01T00:00:00Z' } });
    await api.activate('returns', { version: 3, reason: 'r', until: '2030-02-01T00:00:00Z' });
    await api.deleteActivation('returns', 9, 'by mistake');
    await api.timeline('returns');
    await api.diffVersions('returns', 2, 3);
    expect(calls.map((c) => [c.method, c.url, c.headers['If-Match']])).toEqual([
      ['POST', '/v1/policies/returns/draft/publish', '"e1"'],
      ['POST', '/v1/policies/returns/activations', undefined],
      ['DELETE', '/v1/policies/returns/activations/9?reason=by+mistake', undefined],
      ['GET', '/v1/policies/returns/timeline', undefined],
      ['GET', '/v1/policies/returns/versions/2/diff/3', undefined],
    ]);
    expect(JSON.parse(calls[0]!.body!)).toEqual({ reason: 'why', activate: { from: '2030-01-01T00:00:00Z' } });
  });

  it('queries the log with only the filters given, and asks for a recomputed trace when none was stored', async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: { decisions: [] } });
    const api = createApi({ key: 'k', fetch });
    await api.listDecisions({ policy: 'returns', field: 'eligible', value: 'false', rule: '', limit: 25 });
    await api.getDecision('01J', { recomputeTrace: true });
    await api.replayDecision('01J', { draft: true });
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['GET', '/v1/decisions?policy=returns&field=eligible&value=false&limit=25'],
      ['GET', '/v1/decisions/01J?trace=recompute'],
      ['POST', '/v1/decisions/01J/replay'],
    ]);
    expect(queryString({})).toBe('');
  });
});
