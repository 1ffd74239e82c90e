/**
 * Simulation compares a candidate with a baseline over the same cases; the figures are
 * checked against hand-computed expectations on a small window policy.
 */
import { describe, expect, it } from 'vitest';
import { SummaryBuilder, compareCase, diff, evaluate, simulate, simulateAll } from '../../server/engine/index.ts';
import { compileOk } from '../helpers/engine.ts';

const windowPolicy = (days: number, fee = 0) =>
  compileOk({
    key: 'returns',
    title: 'Window',
    input: { type: 'object', required: ['price', 'deliveredAt'], properties: { price: { type: 'number' }, deliveredAt: { type: 'string', format: 'date' } } },
    params: { windowDays: { value: days, description: 'window' }, fee: { value: fee, description: 'fee' } },
    let: [{ name: 'age', value: { daysBetween: [{ var: 'deliveredAt' }, { now: [] }] } }],
    rules: [
      { id: 'in-window', when: { '<=': [{ var: 'age' }, { var: 'params.windowDays' }] }, then: { eligible: true, refundAmount: { money: [{ '-': [{ var: 'price' }, { var: 'params.fee' }] }] } } },
    ],
    otherwise: { id: 'past-window', then: { eligible: false, refundAmount: 0 } },
  });

// Delivered 2024-01-01; decided on the 11th, 41st and 51st day after, plus one bad input.
const cases = [
  { id: 'day-10', at: '2024-01-11T12:00:00Z', input: { price: 100, deliveredAt: '2024-01-01' } },
  { id: 'day-40', at: '2024-02-10T12:00:00Z', input: { price: 250.5, deliveredAt: '2024-01-01' } },
  { id: 'day-50', at: '2024-02-20T12:00:00Z', input: { price: 80, deliveredAt: '2024-01-01' } },
  { id: 'bad', at: '2024-01-11T12:00:00Z', input: { price: 'x', deliveredAt: '2024-01-01' } },
];

describe('simulateAll', () => {
  it('finds exactly the decisions a longer window changes, with the money moved', () => {
    const { summary, changes } = simulateAll(windowPolicy(30), windowPolicy(45), cases);
    expect(summary).toEqual({
      evaluated: 4,
      changed: 1,
      unchanged: 3,
      errors: { before: 1, after: 1 },
      byRule: [{ from: 'past-window', to: 'in-window', count: 1 }],
      fields: {
        '/eligible': { changed: 1, up: 0, down: 0, net: 0 },
        '/refundAmount': { changed: 1, up: 250.5, down: 0, net: 250.5 },
        '/rule': { changed: 1, up: 0, down: 0, net: 0 },
      },
    });
    expect(changes.map((c) => c.id)).toEqual(['day-40']);
    expect(changes[0]?.changes).toContainEqual({ path: '/refundAmount', before: 0, after: 250.5 });
  });

  it('sums increases and decreases separately, to the cent', () => {
    // A fee of 10.10 lowers day-10 by 10.10; a 45-day window raises day-40 by 250.50 - 10.10.
    const { summary } = simulateAll(windowPolicy(30), windowPolicy(45, 10.1), cases);
    expect(summary.fields['/refundAmount']).toEqual({ changed: 2, up: 240.4, down: 10.1, net: 230.3 });
    expect(summary.byRule).toEqual([
      { from: 'in-window', to: 'in-window', count: 1 },
      { from: 'past-window', to: 'in-window', count: 1 },
    ]);
  });

  it('reports no change when candidate and baseline decide alike', () => {
    expect(simulateAll(windowPolicy(30), windowPolicy(30), cases).summary.changed).toBe(0);
  });
});

describe('simulate (incremental)', () => {
  it('yields one result per case lazily, so a caller can page or show progress', () => {
    const it = simulate(windowPolicy(30), windowPolicy(45), cases);
    expect(it.next().value?.id).toBe('day-10');
    const builder = new SummaryBuilder();
    for (const r of it) builder.add(r);
    expect(builder.summary().evaluated).toBe(3);
  });
});

describe('diff', () => {
  it('lists changed leaves with array indexes', () => {
    expect(diff({ a: [1, { b: 2 }], c: 1 }, { a: [1, { b: 3 }, 4], c: 1 }, '')).toEqual([
      { path: '/a/1/b', before: 2, after: 3 },
      { path: '/a/2', before: undefined, after: 4 },
    ]);
  });
});

describe('compareCase', () => {
  it('checks a case\'s input once when both versions share the input schema, deciding exactly as two evaluations do', () => {
    const before = windowPolicy(30);
    const after = windowPolicy(45);
    // Equal input schemas share one validator; count its calls.
    expect(after.validateInput).toBe(before.validateInput);
    const check = before.validateInput;
    let calls = 0;
    const counted = (value: unknown) => {
      calls++;
      return check(value);
    };
    const spied = [{ ...before, validateInput: counted }, { ...after, validateInput: counted }] as const;
    for (const c of [...cases, { id: 'bad-at', at: 'yesterday', input: { price: 1, deliveredAt: '2024-01-01' } }]) {
      calls = 0;
      const r = compareCase(spied[0], spied[1], c);
      expect(calls).toBe(c.id === 'bad-at' ? 0 : c.id === 'bad' ? 2 : 1);
      expect(r.before).toEqual(evaluate(before, c.input, c.at));
      expect(r.after).toEqual(evaluate(after, c.input, c.at));
    }
  });
});
