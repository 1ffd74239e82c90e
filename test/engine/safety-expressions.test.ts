/**
 * checkExpressions (server/engine/safety.ts) case by case: operators and arities, data paths,
 * bounded work (iteration nesting, growing accumulators), table calls and tables, names, ids,
 * counts and tests; and expressionSites, which every check and the compiler walk from.
 * The hostile fixtures and checkShape are in safety.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkExpressions, RESERVED_NAMES } from '../../server/engine/safety.ts';
import type { Limits } from '../../server/engine/safety.ts';
import { expressionSites } from '../../server/engine/expression-sites.ts';
import { expectOnly, policy } from './safety-helpers.ts';

describe('checkExpressions: operators', () => {
  it('names the operator, and never finds Object.prototype members in the refused list', () => {
    for (const op of ['constructor', '__proto__', 'hasOwnProperty', 'toString']) {
      const when = JSON.parse(`{${JSON.stringify(op)}: [1]}`) as unknown; // JSON.parse keeps "__proto__" as an own key
      expectOnly(checkExpressions(policy(when)), '/rules/0/when', new RegExp(`^unknown operator "${op}" \\(see README, Operators\\)$`));
    }
  });

  it('suggests the operator that differs only in case', () => {
    expectOnly(checkExpressions(policy({ Merge: [[1], [2]] })), '/rules/0/when', /unknown operator "Merge"; did you mean "merge"\?/);
  });

  it('checks arity, counting a non-array argument as one', () => {
    expectOnly(checkExpressions(policy({ substr: ['x'] })), '/rules/0/when', /"substr" takes 2 to 3 arguments, got 1/);
    expectOnly(checkExpressions(policy({ '/': 4 })), '/rules/0/when', /"\/" takes exactly 2 arguments, got 1/);
    expect(checkExpressions(policy({ '!': true }))).toEqual([]);
  });

  it('escapes "/" and "~" in paths (RFC 6901)', () => {
    expectOnly(checkExpressions(policy({ '/': [{ bogus: 1 }, 2] })), '/rules/0/when/~1/0', /unknown operator "bogus"/);
    const doc = policy(true, { otherwise: { then: { 'a/b~c': { log: 1 } } } });
    expectOnly(checkExpressions(doc), '/otherwise/then/a~1b~0c', /"log" is not allowed/);
  });

  it('treats objects with several keys as data, as json-logic does', () => {
    expect(checkExpressions(policy({ '==': [{ a: { bogus: 1 }, b: { var: 'constructor' } }, 1] }))).toEqual([]);
  });
});

describe('checkExpressions: data paths', () => {
  it('checks the path of var but not its default value', () => {
    expect(checkExpressions(policy({ var: ['order.id', 'constructor'] }))).toEqual([]);
    expectOnly(checkExpressions(policy({ var: [['a', 'constructor']] })), '/rules/0/when/var/0/1', /reads "constructor"/);
  });

  it('checks every path of missing and the list of missing_some', () => {
    expectOnly(checkExpressions(policy({ missing: [['a', 'b.prototype']] })), '/rules/0/when/missing/0/1', /reads "prototype"/);
    expectOnly(checkExpressions(policy({ missing_some: [1, ['a', '__proto__']] })), '/rules/0/when/missing_some/1/1', /reads "__proto__"/);
  });

  it('leaves computed paths to the compiler, which reads own properties only', () => {
    expect(checkExpressions(policy({ var: { cat: ['constr', 'uctor'] } }))).toEqual([]);
  });
});

describe('checkExpressions: bounded work', () => {
  const xs = [1, 2, 3];
  it('allows two nested iterations and refuses a third', () => {
    expect(checkExpressions(policy({ map: [xs, { filter: [xs, true] }] }))).toEqual([]);
    expectOnly(checkExpressions(policy({ some: [xs, { all: [xs, { none: [xs, true] }] }] })), '/rules/0/when/some/1/all/1', /"none" is nested 3 deep/);
  });

  it('does not count an iteration over the result of another as nesting', () => {
    expect(checkExpressions(policy({ map: [{ map: [{ map: [xs, 1] }, 1] }, 1] }))).toEqual([]);
  });

  it('follows maxIterationNesting', () => {
    expectOnly(checkExpressions(policy({ map: [xs, { map: [xs, 1] }] }), { maxIterationNesting: 1 }), '/rules/0/when/map/1', /nested 2 deep .*limit is 1/);
  });

  it('allows a reduce that uses its accumulator once', () => {
    const sum = { reduce: [xs, { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 0] };
    const append = { reduce: [xs, { merge: [{ var: 'accumulator' }, [{ var: 'current' }]] }, []] };
    expect(checkExpressions(policy({ and: [sum, append] }))).toEqual([]);
  });

  it('counts "accumulator.x" and references nested in the arguments', () => {
    const when = { reduce: [xs, { cat: [{ var: 'accumulator.a' }, { if: [true, { var: ['accumulator'] }, ''] }] }, ''] };
    expectOnly(checkExpressions(policy(when)), '/rules/0/when/reduce/1', /"cat" uses the reduce accumulator 2 times/);
  });

  it('refuses an iteration over the accumulator', () => {
    const when = { reduce: [xs, { map: [{ var: 'accumulator' }, { var: '' }] }, []] };
    expectOnly(checkExpressions(policy(when)), '/rules/0/when/reduce/1', /"map" iterates over the reduce accumulator/);
  });

  it('knows "accumulator" inside a nested map is a field of the element', () => {
    const when = { reduce: [xs, { map: [{ var: 'current' }, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }] }, []] };
    expect(checkExpressions(policy(when))).toEqual([]);
  });
});

describe('checkExpressions: tables', () => {
  const tables = {
    fees: {
      inputs: [{ name: 'category' }, { name: 'condition' }],
      outputs: [{ name: 'perItem' }, { name: 'label' }],
      rows: [{ when: { category: 'esl', condition: { in: ['opened', 'used'] } }, then: { perItem: 5, label: 'opened' } }],
    },
  };
  const call = (...args: unknown[]) => checkExpressions(policy(true, { tables, otherwise: { then: { fee: { table: args } } } }));
  const inputs = { category: { var: 'item.category' }, condition: 'opened' };

  it('accepts literal names with computed inputs, or computed inputs as a whole', () => {
    expect(call('fees', inputs, 'perItem')).toEqual([]);
    expect(call('fees', { var: 'item.lookup' })).toEqual([]);
  });

  it('refuses an unknown input, a missing input and an unknown output', () => {
    expectOnly(call('fees', { ...inputs, colour: 'red' }), '/otherwise/then/fee/table/1/colour', /table "fees" has no input "colour"; inputs: category, condition/);
    expectOnly(call('fees', { category: 'esl' }), '/otherwise/then/fee/table/1', /also needs the input "condition"/);
    expectOnly(call('fees', inputs, 'perItm'), '/otherwise/then/fee/table/2', /has no output "perItm"; outputs: perItem, label/);
  });

  it('requires the table name as text and checks expressions inside the call', () => {
    expectOnly(call({ var: 'name' }, inputs), '/otherwise/then/fee/table/0', /must be a table name written as text/);
    expectOnly(call('fees', { ...inputs, condition: { log: 1 } }), '/otherwise/then/fee/table/1/condition', /"log" is not allowed/);
    expectOnly(call('fees', 'esl'), '/otherwise/then/fee/table/1', /must be an object of inputs/);
  });

  it('checks rows against the columns, condition cells, and sizes', () => {
    const bad = { fees: { ...tables.fees, rows: [{ when: { categry: 'esl', condition: { like: 'o%' } }, then: { perItm: 1 } }], default: { x: 0 } } };
    const problems = checkExpressions(policy(true, { tables: bad }));
    expect(problems).toEqual([
      { path: '/tables/fees/rows/0/when/categry', message: expect.stringMatching(/has no input "categry"/) },
      { path: '/tables/fees/rows/0/when/condition', message: expect.stringMatching(/"like" is not a table condition/) },
      { path: '/tables/fees/rows/0/then/perItm', message: expect.stringMatching(/has no output "perItm"/) },
      { path: '/tables/fees/default/x', message: expect.stringMatching(/has no output "x"/) },
    ]);
    expectOnly(checkExpressions(policy(true, { tables }), { maxTableRows: 0 }), '/tables/fees/rows', /1 rows; the limit is 0/);
    expectOnly(checkExpressions(policy(true, { tables }), { maxTableColumns: 3 }), '/tables/fees', /4 columns .*limit is 3/);
  });
});

describe('checkExpressions: names, ids, counts and tests', () => {
  it('refuses every reserved name in let, each.let and totals', () => {
    for (const name of RESERVED_NAMES) {
      const each = { over: [], let: [{ name, value: 1 }], rules: [], otherwise: { then: {} } };
      expectOnly(checkExpressions(policy(true, { each })), '/each/let/0/name', new RegExp(`"${name}" is a reserved name`));
      expectOnly(checkExpressions(policy(true, { totals: [{ name, value: 1 }] })), '/totals/0/name', /reserved name/);
    }
  });

  it('refuses a derived name defined twice across sections', () => {
    const doc = policy(true, { let: [{ name: 'fee', value: 1 }], totals: [{ name: 'fee', value: 2 }] });
    expectOnly(checkExpressions(doc), '/totals/0/name', /derived value "fee" is already defined at \/let\/0\/name/);
  });

  it('refuses duplicate rule ids per list, including the otherwise id', () => {
    const each = { over: [], rules: [{ id: 'a', when: true, then: {} }, { id: 'a', when: true, then: {} }], otherwise: { then: {} } };
    expectOnly(checkExpressions(policy(true, { each })), '/each/rules/1/id', /rule id "a" is already used/);
    const doc = policy(true, { rules: [{ id: 'otherwise', when: true, then: {} }] });
    expectOnly(checkExpressions(doc), '/rules/0/id', /also the id of "otherwise"/);
  });

  it('refuses a test whose base is not a fixture', () => {
    const tests = [{ name: 't', at: '2024-01-01T00:00:00Z', base: 'delivred', input: {}, expect: {} }];
    expectOnly(checkExpressions(policy(true, { fixtures: { delivered: {} }, tests })), '/tests/0/base', /test base "delivred" is not a fixture; fixtures: delivered/);
  });

  it('counts rules, derived values and tests against the limits', () => {
    const limits: Partial<Limits> = { maxRules: 0, maxDerived: 0, maxTests: 0 };
    const doc = policy(true, { let: [{ name: 'a', value: 1 }], tests: [{ name: 't', at: '2024-01-01T00:00:00Z', input: {}, expect: {} }] });
    expect(checkExpressions(doc, limits).map((p) => p.path)).toEqual(['/rules', '/let', '/tests']);
  });
});

describe('expressionSites', () => {
  it('lists every expression with its kind, in evaluation order', () => {
    const doc = {
      let: [{ name: 'a', value: 1 }],
      each: { over: { var: 'request.items' }, let: [{ name: 'b', value: 2 }], rules: [{ id: 'r', when: true, then: { x: 3 } }], otherwise: { then: { x: 4 } } },
      totals: [{ name: 'c', value: 5 }],
      rules: [{ id: 's', when: false, then: { 'y/~': 6 } }],
      otherwise: { then: { y: 7 } },
    };
    expect(expressionSites(doc).map((s) => [s.path, s.kind, s.expr])).toEqual([
      ['/let/0/value', 'let', 1],
      ['/each/over', 'each.over', { var: 'request.items' }],
      ['/each/let/0/value', 'each.let', 2],
      ['/each/rules/0/when', 'each.rule.when', true],
      ['/each/rules/0/then/x', 'each.rule.then', 3],
      ['/each/otherwise/then/x', 'each.otherwise.then', 4],
      ['/totals/0/value', 'totals', 5],
      ['/rules/0/when', 'rule.when', false],
      ['/rules/0/then/y~1~0', 'rule.then', 6],
      ['/otherwise/then/y', 'otherwise.then', 7],
    ]);
  });

  it('skips what is not the expected shape', () => {
    const doc = { let: [null, { name: 'a' }, 3], each: [], rules: 'x', otherwise: { then: [1] }, totals: { 0: {} } };
    expect(expressionSites(doc)).toEqual([]);
    expect(expressionSites(null as never)).toEqual([]);
    expect(checkExpressions(doc as never)).toEqual([]);
  });
});
