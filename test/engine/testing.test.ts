/** The embedded-test runner: partial matching, fixtures merged under inputs, per-test params. */
import { describe, expect, it } from 'vitest';
import { deepMerge, partialMatch, runPolicyTests } from '../../server/engine/index.ts';
import { compileOk } from '../helpers/engine.ts';

describe('partialMatch', () => {
  it('ignores keys the expectation does not name', () => {
    expect(partialMatch({ a: 1 }, { a: 1, b: 2 }, '')).toEqual([]);
  });
  it('names the JSON path of a difference', () => {
    expect(partialMatch({ items: [{ rate: 0.8 }] }, { items: [{ rate: 0.5 }] }, '')).toEqual([
      { path: '/items/0/rate', expected: 0.8, actual: 0.5, message: 'expected 0.8, got 0.5' },
    ]);
  });
  it('requires arrays of the same length', () => {
    expect(partialMatch([1], [1, 2], '')[0]?.message).toBe('expected 1 elements, got 2');
  });
  it('reports a missing key', () => {
    expect(partialMatch({ a: null }, {}, '')[0]?.path).toBe('/a');
  });
});

describe('deepMerge', () => {
  it('merges objects and replaces arrays and scalars', () => {
    expect(deepMerge({ o: { a: 1, b: [1, 2] }, x: 1 }, { o: { b: [3] }, x: null })).toEqual({ o: { a: 1, b: [3] }, x: null });
  });
});

describe('runPolicyTests', () => {
  const doc = {
    key: 'window',
    title: 'Window',
    input: { type: 'object', properties: { days: { type: 'integer' }, member: { type: 'boolean' } }, required: ['days', 'member'] },
    params: { windowDays: { value: 30, description: 'days' } },
    rules: [{ id: 'in-window', when: { '<=': [{ var: 'days' }, { var: 'params.windowDays' }] }, then: { eligible: true } }],
    otherwise: { id: 'late', then: { eligible: false } },
    fixtures: { base: { days: 10, member: true } },
    tests: [
      { name: 'inside', at: '2024-01-01T00:00:00Z', base: 'base', input: {}, expect: { eligible: true, rule: 'in-window' } },
      { name: 'a shorter window by param', at: '2024-01-01T00:00:00Z', base: 'base', params: { windowDays: 5 }, input: {}, expect: { eligible: false } },
      { name: 'wrong on purpose', at: '2024-01-01T00:00:00Z', base: 'base', input: { days: 31 }, expect: { eligible: true } },
      { name: 'bad input', at: '2024-01-01T00:00:00Z', input: { days: 'x' }, expect: {} },
    ],
  };

  it('passes, fails with mismatches, or reports the input problems', () => {
    const results = runPolicyTests(compileOk(doc));
    expect(results.map((r) => [r.name, r.passed])).toEqual([['inside', true], ['a shorter window by param', true], ['wrong on purpose', false], ['bad input', false]]);
    expect(results[2]).toMatchObject({ path: '/tests/2', rule: 'late', mismatches: [{ path: '/eligible', expected: true, actual: false }] });
    expect(results[3]?.error).toMatchObject({ kind: 'input' });
  });
});
