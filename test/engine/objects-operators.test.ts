/**
 * The objects family: {"object": {...}} builds objects of computed values (json-logic leaves
 * object literals unevaluated), {"root": path} reads the policy scope from inside iterations,
 * {"range": [n]} lists integers. All safely bounded.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/engine/index.ts';
import { compileOk, compileProblems, evalExpr } from '../helpers/engine.ts';

const doc = (then: Record<string, unknown>) => ({ key: 'o', title: 'o', input: { type: 'object' }, rules: [], otherwise: { then } });

describe('object operator', () => {
  it('evaluates each value, including one-key maps that would otherwise read as operations', () => {
    expect(evalExpr({ object: { eta: { '+': [2, 3] } } })).toEqual({ eta: 5 });
  });

  it('builds a schedule of objects inside map', () => {
    const rule = { map: [{ var: 'dates' }, { object: { dueDate: { var: '' }, amount: 100 } }] };
    expect(evalExpr(rule, { dates: ['2024-01-01', '2024-02-01'] })).toEqual([
      { dueDate: '2024-01-01', amount: 100 },
      { dueDate: '2024-02-01', amount: 100 },
    ]);
  });

  it('is accepted in a decision field', () => {
    expect(compileProblems(doc({ refundEta: { object: { minBusinessDays: 3, maxBusinessDays: 5 } } }))).toEqual([]);
  });

  it('refuses a key that reaches the prototype', () => {
    expect(compileProblems(doc({ x: { object: JSON.parse('{"__proto__": 1}') } }))).toEqual([
      { path: '/otherwise/then/x/object/__proto__', message: 'the key "__proto__" is not allowed' },
    ]);
  });

  it('refuses values that are not key: expression pairs', () => {
    expect(compileProblems(doc({ x: { object: [1, 2] } }))[0]).toEqual({ path: '/otherwise/then/x', message: expect.stringContaining('"object" takes exactly 1 argument') });
    expect(compileProblems(doc({ x: { object: 'a' } }))[0]?.path).toBe('/otherwise/then/x/object');
  });

  it('refuses an accumulator used twice inside a reduce (it would double every step)', () => {
    const grow = { reduce: [{ var: 'xs' }, { object: { a: { var: 'accumulator' }, b: { var: 'accumulator' } } }, {}] };
    expect(compileProblems(doc({ x: grow }))[0]?.message).toContain('uses the reduce accumulator 2 times');
  });

  it('checks the expressions inside its values', () => {
    expect(compileProblems(doc({ x: { object: { a: { method: [] } } } }))[0]?.path).toBe('/otherwise/then/x/object/a');
  });
});

describe('root operator', () => {
  it('reads the policy scope from inside an iteration, where var sees only the element', () => {
    const rule = { filter: [{ var: 'order.items' }, { '===': [{ var: 'sku' }, { root: 'item.sku' }] }] };
    const data = { order: { items: [{ sku: 'A', n: 1 }, { sku: 'B', n: 2 }] }, item: { sku: 'B' } };
    expect(evalExpr(rule, data)).toEqual([{ sku: 'B', n: 2 }]);
  });

  it('gives its default when the path is absent, and never reaches the prototype', () => {
    expect(evalExpr({ map: [[1], { root: ['params.missing', 7] }] }, { params: {} })).toEqual([7]);
    expect(evalExpr({ root: 'a.constructor' }, { a: {} })).toBeNull();
  });

  it('finds each returned item\'s order line in a per-item policy', () => {
    const policy = compileOk({
      key: 'lines', title: 'lines', input: { type: 'object' },
      each: {
        over: { var: 'request.skus' },
        let: [{ name: 'line', value: { get: [{ filter: [{ var: 'order.items' }, { '===': [{ var: 'sku' }, { root: 'item' }] }] }, '0'] } }],
        rules: [], otherwise: { then: { sku: { var: 'item' }, price: { var: 'line.price' } } },
      },
      rules: [], otherwise: { then: { total: { sum: [{ map: [{ var: 'items' }, { var: 'price' }] }] } } },
    });
    const r = evaluate(policy, { order: { items: [{ sku: 'A', price: 10 }, { sku: 'B', price: 5 }] }, request: { skus: ['B', 'A'] } }, '2024-01-01T00:00:00Z');
    expect(r.ok && r.decision).toEqual({ total: 15, items: [{ sku: 'B', price: 5, rule: 'otherwise' }, { sku: 'A', price: 10, rule: 'otherwise' }], rule: 'otherwise' });
  });

  it('refuses a literal path through __proto__', () => {
    expect(compileProblems(doc({ x: { root: '__proto__.x' } }))[0]?.path).toBe('/otherwise/then/x/root');
  });
});

describe('range operator', () => {
  it('builds a schedule with map, object and root', () => {
    const rule = { map: [{ range: [3] }, { object: { dueDate: { addMonths: [{ root: 'placed' }, { var: '' }] }, amount: { root: 'each' } } }] };
    expect(evalExpr(rule, { placed: '2024-01-31', each: 100 })).toEqual([
      { dueDate: '2024-01-31', amount: 100 },
      { dueDate: '2024-02-29', amount: 100 },
      { dueDate: '2024-03-31', amount: 100 },
    ]);
  });

  it('is bounded by the work budget', () => {
    expect(() => evalExpr({ range: [10_000_000] })).toThrow('exceed the limit');
  });
});
