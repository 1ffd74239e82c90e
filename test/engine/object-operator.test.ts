/** {"object": {...}} builds objects of computed values (json-logic leaves object literals unevaluated), safely. */
import { describe, expect, it } from 'vitest';
import { compileProblems, evalExpr } from '../helpers/engine.ts';

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
