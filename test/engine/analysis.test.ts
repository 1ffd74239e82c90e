/**
 * Static analysis (server/engine/analysis): one crafted document per warning kind, each next
 * to the near misses that must not warn. Every document here compiles: warnings are not
 * compile problems.
 */
import { describe, expect, it } from 'vitest';
import { analyzePolicy } from '../../server/engine/analysis/index.ts';
import type { Warning } from '../../server/engine/analysis/index.ts';
import { unreachableRules } from '../../server/engine/analysis/rules.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compileProblems } from '../helpers/engine.ts';

const input = {
  type: 'object',
  required: ['request'],
  properties: {
    request: {
      type: 'object',
      required: ['reason', 'days', 'member', 'items'],
      properties: {
        reason: { enum: ['defective', 'changed_mind', 'wrong_item'] },
        days: { type: 'integer', minimum: 0 },
        member: { type: 'boolean' },
        coupon: { type: 'boolean' },
        placedAt: { type: 'string', format: 'date' },
        items: { type: 'array', items: { type: 'object', required: ['condition'], properties: { condition: { enum: ['new', 'used'] }, price: { type: 'number' } } } },
      },
    },
  },
};

const v = (path: string) => ({ var: path });
const rule = (id: string, when: unknown, then: Record<string, unknown> = { ok: true }) => ({ id, when, then });

function policy(parts: Record<string, unknown>): Record<string, unknown> {
  return { key: 'crafted', title: 'Crafted', input, rules: [], otherwise: { then: { ok: false } }, ...parts };
}

/** Analyses a document after checking that it compiles. */
function analyse(doc: Record<string, unknown>): Warning[] {
  expect(compileProblems(doc)).toEqual([]);
  return analyzePolicy(doc, { schema: schemaRegistry().schema });
}

const codes = (ws: Warning[], code: string) => ws.filter((w) => w.code === code);
const at = (ws: Warning[]) => ws.map((w) => `${w.code} ${w.path}`);

describe('unreachable rules (first match)', () => {
  it('reports every rule after one whose when is true, and the otherwise', () => {
    const ws = analyse(policy({ rules: [rule('first', v('request.member')), rule('always', true), rule('late', { '>': [v('request.days'), 30] })] }));
    expect(at(ws)).toEqual(['unreachable-rule /rules/2/when', 'unreachable-otherwise /otherwise']);
    expect(ws[0]!.message).toBe('rule `late` never applies: rule `always` before it always applies (its `when` is always true)');
    expect(ws[1]!.message).toBe('`otherwise` never applies: rule `always` always applies (its `when` is always true)');
  });

  it('reports a rule with the same condition as an earlier one', () => {
    const when = { '===': [v('request.reason'), 'defective'] };
    const ws = analyse(policy({ rules: [rule('a', when), rule('b', { '===': [{ var: ['request.reason'] }, 'defective'] })] }));
    expect(at(ws)).toEqual(['unreachable-rule /rules/1/when']);
    expect(ws[0]!.message).toBe('rule `b` never applies: every input it matches is decided first by rule `a`');
  });

  it('reports a rule whose and-conjuncts include all of an earlier rule’s', () => {
    const ws = analyse(policy({ rules: [rule('member', { and: [v('request.member'), { '!': v('request.coupon') }] }), rule('member-late', { and: [{ '>': [v('request.days'), 30] }, { '!': [v('request.coupon')] }, v('request.member')] })] }));
    expect(at(ws)).toEqual(['unreachable-rule /rules/1/when']);
  });

  it('reports a narrower interval on the same value after a wider one', () => {
    const ws = analyse(policy({ rules: [rule('under-30', { '<': [v('request.days'), 30] }), rule('under-20', { '<': [v('request.days'), 20] }), rule('between', { '<=': [5, v('request.days'), 25] })] }));
    expect(at(ws)).toEqual(['unreachable-rule /rules/1/when', 'unreachable-rule /rules/2/when']);
  });

  it('reads params as their values in comparisons', () => {
    const ws = analyse(policy({
      params: { window: { value: 30, description: 'days' }, late: { value: 45, description: 'days' } },
      rules: [rule('past-window', { '>': [v('request.days'), v('params.window')] }), rule('very-late', { '>=': [v('request.days'), v('params.late')] })],
    }));
    expect(at(ws)).toEqual(['unreachable-rule /rules/1/when']);
    expect(ws[0]!.message).toContain('rule `past-window`');
  });

  it('reports an equality already taken, including an == on the same var and value', () => {
    const ws = analyse(policy({
      rules: [
        rule('in', { in: [v('request.reason'), ['defective', 'wrong_item']] }),
        rule('defective', { '===': [v('request.reason'), 'defective'] }),
        rule('wrong', { '===': ['wrong_item', v('request.reason')] }),
        rule('long', { '==': [v('request.days'), 90] }),
        rule('long-again', { and: [{ '==': [v('request.days'), 90] }, v('request.member')] }),
        rule('ninety', { '==': [v('request.days'), '90'] }),
      ],
    }));
    // days is an integer (the schema), so days == "90" holds only for 90: taken by `long`.
    expect(at(ws)).toEqual(['unreachable-rule /rules/1/when', 'unreachable-rule /rules/2/when', 'unreachable-rule /rules/4/when', 'unreachable-rule /rules/5/when']);
  });

  it('splits a number of the input schema at the bounds the rules compare it with', () => {
    const days = v('request.days');
    const ws = analyse(policy({ rules: [rule('within', { '<=': [days, 30] }), rule('late', { '>': [days, 30] }), rule('odd', { '===': [days, 45] })] }));
    expect(ws.map((w) => w.message)).toEqual([
      'rule `odd` never applies: every input it matches is decided first by rule `late`',
      '`otherwise` never applies: rules `within`, `late` together match every input',
    ]);
    // With the bounds apart, day 30 is left for the otherwise; a computed number is never split.
    expect(analyse(policy({ rules: [rule('within', { '<': [days, 30] }), rule('late', { '>': [days, 30] })] }))).toEqual([]);
    expect(analyse(policy({ rules: [rule('within', { '<=': [{ '+': [days, 0] }, 30] }), rule('late', { '>': [{ '+': [days, 0] }, 30] })] }))).toEqual([]);
  });

  it('reports a rule covered by several earlier rules together, and a dead otherwise', () => {
    const ws = analyse(policy({ rules: [rule('member', v('request.member')), rule('guest', { '!': v('request.member') }), rule('late', { '>': [v('request.days'), 30] })] }));
    expect(at(ws)).toEqual(['unreachable-rule /rules/2/when', 'unreachable-otherwise /otherwise']);
    expect(ws[0]!.message).toBe('rule `late` never applies: every input it matches is decided first by rules `member`, `guest`');
  });

  it('counts the values the input schema allows: every enum value taken leaves nothing for later rules', () => {
    const ws = analyse(policy({
      rules: [
        rule('defective', { '===': [v('request.reason'), 'defective'] }),
        rule('other', { in: [v('request.reason'), ['changed_mind', 'wrong_item']] }),
        rule('late', { '>': [v('request.days'), 30] }),
      ],
    }));
    expect(ws.map((w) => w.message)).toEqual([
      'rule `late` never applies: every input it matches is decided first by rules `defective`, `other`',
      '`otherwise` never applies: rules `defective`, `other` together match every input',
    ]);
  });

  it('reports a rule that asks for a value the input schema does not allow', () => {
    const ws = analyse(policy({ rules: [rule('member', v('request.member')), rule('lost', { and: [{ '===': [v('request.reason'), 'lost'] }, { '<': [v('request.days'), 5] }] })] }));
    expect(ws).toEqual([{ path: '/rules/1/when', code: 'unreachable-rule', message: 'rule `lost` never applies: no input the input schema allows satisfies its conditions' }]);
  });

  it('keeps an optional field’s absence as a value: true, then false, does not cover it', () => {
    const ws = analyse(policy({ rules: [rule('coupon', { '===': [v('request.coupon'), true] }), rule('no-coupon', { '===': [v('request.coupon'), false] }), rule('rest', v('request.member'))] }));
    expect(ws).toEqual([]);
  });

  it('reports a rule whose own conditions contradict, and one whose when is false', () => {
    const ws = analyse(policy({ rules: [rule('never', { and: [{ '<': [v('request.days'), 10] }, { '>': [v('request.days'), 20] }] }), rule('off', false)] }));
    expect(ws.map((w) => w.message)).toEqual([
      'rule `never` never applies: its conditions contradict each other (no input satisfies them all)',
      'rule `off` never applies: its `when` is always false',
    ]);
  });

  it('checks the per-item rules of each on their own', () => {
    const ws = analyse(policy({
      each: { over: v('request.items'), rules: [rule('used', { '===': [v('item.condition'), 'used'] }), rule('used-again', { '===': [v('item.condition'), 'used'] })], otherwise: { then: { ok: false } } },
    }));
    expect(at(ws)).toEqual(['unreachable-rule /each/rules/1/when']);
  });

  it('does not warn on near misses (nor on a rule a param switches off: that is meant)', () => {
    const ws = analyse(policy({
      params: { restrictCoupons: { value: false, description: 'When true, coupon orders get nothing.' } },
      rules: [
        rule('switched-off', { and: [v('params.restrictCoupons'), v('request.coupon')] }),
        rule('under-20', { '<': [v('request.days'), 20] }),
        rule('under-30', { '<': [v('request.days'), 30] }),
        rule('defective', { '==': [v('request.reason'), 'defective'] }),
        rule('wrong', { '==': [v('request.reason'), 'wrong_item'] }),
        rule('member-coupon', { and: [v('request.member'), v('request.coupon')] }),
        rule('member', v('request.member')),
        rule('either', { or: [v('request.coupon'), { '>': [v('request.days'), 60] }] }),
        rule('over-30', { '>': [v('request.days'), 30] }),
        rule('strict', { '===': [v('request.note'), 'x'] }),
        rule('loose', { '==': [v('request.note'), 'x'] }),
      ],
    }));
    expect(ws).toEqual([]);
  });
});

const table = (rows: unknown[], extra: Record<string, unknown> = {}) => ({
  inputs: [{ name: 'reason' }, { name: 'member' }, { name: 'days' }],
  outputs: [{ name: 'fee' }],
  rows,
  ...extra,
});
const lookup = { table: ['fees', { reason: v('request.reason'), member: v('request.member'), days: v('request.days') }, 'fee'] };
const withTable = (t: unknown) => policy({ tables: { fees: t }, rules: [rule('fee', true, { fee: lookup })], otherwise: undefined });

describe('decision tables (hit policy first)', () => {
  // otherwise is required by the schema; a `true` rule before it is its own finding, so filter to tables here.
  const tableWarnings = (t: unknown) => analyse({ ...withTable(t), otherwise: { then: { fee: null } } }).filter((w) => w.path.startsWith('/tables'));

  it('reports the enum and boolean combinations no row covers, with an example', () => {
    const ws = tableWarnings(table([
      { when: { reason: 'defective' }, then: { fee: 0 } },
      { when: { reason: 'changed_mind', member: true }, then: { fee: 5 } },
      { when: { reason: 'changed_mind', member: false }, then: { fee: 10 } },
    ]));
    expect(at(ws)).toEqual(['table-gap /tables/fees']);
    expect(ws[0]!.message).toBe('table `fees` has no row for reason = "wrong_item", member = true; 2 uncovered combinations in all, also reason = "wrong_item", member = false; the lookup then gives null (add a row or a default)');
  });

  it('reports numeric gaps between interval cells (integers from the schema, minimum 0)', () => {
    const ws = tableWarnings(table([
      { when: { days: { '<': 30 } }, then: { fee: 0 } },
      { when: { days: { '>': 30, '<=': 60 } }, then: { fee: 5 } },
      { when: { days: { '>': 60 } }, then: { fee: 10 } },
    ]));
    expect(at(ws)).toEqual(['table-gap /tables/fees']);
    expect(ws[0]!.message).toContain('no row for days = 30;');
  });

  it('reports a row that earlier rows cover entirely, alone or together', () => {
    const ws = tableWarnings(table([
      { when: { reason: { in: ['defective', 'wrong_item'] } }, then: { fee: 0 } },
      { when: { reason: 'defective', member: true }, then: { fee: 1 } },
      { when: { member: true }, then: { fee: 2 } },
      { when: { member: false }, then: { fee: 3 } },
      { when: { days: { '>=': 10, '<=': 20 } }, then: { fee: 4 } },
    ]));
    expect(at(ws)).toEqual(['table-unreachable-row /tables/fees/rows/1', 'table-unreachable-row /tables/fees/rows/4']);
    expect(ws.map((w) => w.message)).toEqual([
      'row 2 of table `fees` never hits: row 1 before it matches every input it matches (hit policy first)',
      'row 5 of table `fees` never hits: rows 1, 3, 4 before it match every input it matches (hit policy first)',
    ]);
  });

  it('reports a row no possible input matches (a value outside the enum)', () => {
    const ws = tableWarnings(table([{ when: { reason: 'lost' }, then: { fee: 1 } }], { default: { fee: 0 } }));
    expect(at(ws)).toEqual(['table-unreachable-row /tables/fees/rows/0']);
    expect(ws[0]!.message).toBe('row 1 of table `fees` never hits: no possible input matches it (reason is one of "defective", "changed_mind", "wrong_item")');
  });

  it('does not warn on a complete table, a table with a default, or partial overlaps', () => {
    const complete = [
      { when: { reason: 'defective', days: { '<=': 30 } }, then: { fee: 0 } },
      { when: { member: true }, then: { fee: 1 } },
      { when: { days: { '<=': 30 } }, then: { fee: 2 } },
      { when: { days: { '>': 30 } }, then: { fee: 3 } },
    ];
    expect(tableWarnings(table(complete))).toEqual([]);
    expect(tableWarnings(table(complete.slice(0, 3), { default: { fee: 9 } }))).toEqual([]);
  });

  it('follows derived values and if branches to the schema (a literal condition takes one branch), each derived value once', () => {
    const chain = Array.from({ length: 60 }, (_, i) => ({ name: `m${i + 1}`, value: { if: [v('request.coupon'), v(`m${i}`), v(`m${i}`)] } }));
    const doc = policy({
      let: [
        { name: 'm0', value: v('request.member') },
        ...chain,
        { name: 'kind', value: { if: [v('request.member'), 'member', { '>': [v('request.days'), 30] }, 'late', 'guest'] } },
        { name: 'fixed', value: { if: [true, v('request.reason'), 'never'] } },
      ],
      tables: {
        t: {
          inputs: [{ name: 'kind' }, { name: 'm' }, { name: 'reason' }],
          outputs: [{ name: 'fee' }],
          rows: [
            { when: { kind: { in: ['member', 'late'] } }, then: { fee: 0 } },
            { when: { m: true, reason: 'never' }, then: { fee: 1 } },
            { when: { m: false, reason: { in: ['defective', 'wrong_item'] } }, then: { fee: 2 } },
          ],
        },
      },
      rules: [rule('fee', v('request.member'), { fee: { table: ['t', { kind: v('kind'), m: v('m60'), reason: v('fixed') }, 'fee'] } })],
      otherwise: { then: { fee: 0 } },
    });
    expect(analyse(doc).filter((w) => w.path.startsWith('/tables'))).toEqual([
      { path: '/tables/t', code: 'table-gap', message: 'table `t` has no row for kind = "guest", m = true, reason = "defective"; 4 uncovered combinations in all, also kind = "guest", m = true, reason = "changed_mind"; kind = "guest", m = true, reason = "wrong_item"; …; the lookup then gives null (add a row or a default)' },
      { path: '/tables/t/rows/1', code: 'table-unreachable-row', message: 'row 2 of table `t` never hits: no possible input matches it (kind is one of "member", "late", "guest"; m is one of true, false; reason is one of "defective", "changed_mind", "wrong_item")' },
    ]);
  });

  it('does not read the per-item results (items) from an input field of the same name', () => {
    const doc = policy({
      input: { type: 'object', required: ['items'], properties: { items: { type: 'boolean' }, request: { type: 'object', properties: { items: { type: 'array' } } } } },
      each: { over: v('request.items'), rules: [], otherwise: { then: { ok: true } } },
      tables: { t: { inputs: [{ name: 'x' }], outputs: [{ name: 'y' }], rows: [{ when: { x: true }, then: { y: 1 } }] } },
      rules: [rule('r', true, { y: { table: ['t', { x: v('items') }, 'y'] } })],
      otherwise: { then: { y: 0 } },
    });
    expect(analyse(doc).filter((w) => w.path.startsWith('/tables'))).toEqual([]);
  });

  it('claims no gap on a column whose values it cannot know, but still finds dead rows', () => {
    const doc = policy({
      tables: { t: { inputs: [{ name: 'x' }], outputs: [{ name: 'y' }], rows: [{ when: { x: { '>': 1 } }, then: { y: 1 } }, { when: { x: { '>': 2 } }, then: { y: 2 } }] } },
      rules: [rule('r', true, { y: { table: ['t', { x: { '+': [v('request.days'), 1] } }, 'y'] } })],
      otherwise: { then: { y: 0 } },
    });
    expect(at(analyse(doc).filter((w) => w.path.startsWith('/tables')))).toEqual(['table-unreachable-row /tables/t/rows/1']);
  });
});

describe('params never used', () => {
  it('reports a param nothing reads', () => {
    const ws = analyse(policy({ params: { fee: { value: 5, description: 'A fee.' }, window: { value: 30, description: 'Days.' } }, rules: [rule('late', { '>': [v('request.days'), v('params.window')] })] }));
    expect(ws).toEqual([{ path: '/params/fee', code: 'unused-param', message: 'param `fee` is never used: no expression, table lookup or explanation reads it' }]);
  });

  it('counts reads by var, by root inside an iteration, by name through get on the whole params, by missing, and by explanation placeholders', () => {
    const doc = policy({
      params: {
        a: { value: 1, description: 'read by var' },
        b: { value: 2, description: 'read by root inside map' },
        c: { value: 3, description: 'named by a table row, read with get' },
        d: { value: 4, description: 'in an explanation' },
        e: { value: 5, description: 'checked by missing' },
      },
      tables: { which: { inputs: [{ name: 'm' }], outputs: [{ name: 'param' }], rows: [{ when: { m: true }, then: { param: 'c' } }], default: { param: 'a' } } },
      rules: [rule('r', v('request.member'), {
        x: v('params.a.deep'),
        y: { map: [v('request.items'), { root: 'params.b' }] },
        z: { get: [v('params'), { table: ['which', { m: v('request.member') }, 'param'] }] },
        why: 'Charged {params.d|money}.',
        blank: { missing: ['params.e'] },
      })],
      otherwise: { then: { x: 0, y: [], z: 0, why: '', blank: [] } },
    });
    expect(codes(analyse(doc), 'unused-param')).toEqual([]);
  });

  it('does not count a var inside an iteration body (it reads the element) as a param read', () => {
    const doc = policy({ params: { price: { value: 1, description: 'x' } }, rules: [rule('r', { some: [v('request.items'), { '>': [v('params.price'), 0] }] })] });
    expect(at(codes(analyse(doc), 'unused-param'))).toEqual(['unused-param /params/price']);
  });
});

describe('outputs a rule forgets to set', () => {
  it('reports fields other rules of the block set, and fields the output schema requires', () => {
    const doc = policy({
      output: { type: 'object', required: ['eligible', 'refund'], properties: { eligible: { type: 'boolean' }, refund: { type: 'number' } } },
      rules: [rule('a', v('request.member'), { eligible: true, refund: 10, note: 'member' }), rule('b', v('request.coupon'), { eligible: true, refund: 5 })],
      otherwise: { then: { eligible: false } },
    });
    expect(analyse(doc)).toEqual([
      { path: '/rules/1/then', code: 'missing-output', message: 'rule `b` does not set `note` (rule `a` sets it)' },
      { path: '/otherwise/then', code: 'missing-output', message: '`otherwise` does not set `refund` (the decision schema requires it), `note` (rule `a` sets it)' },
    ]);
  });

  it('checks each per-item block against what the output schema requires of an item', () => {
    const doc = policy({
      output: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', required: ['sku', 'refund'], properties: { sku: { type: 'string' }, refund: { type: 'number' } } } } } },
      each: { over: v('request.items'), rules: [rule('used', { '===': [v('item.condition'), 'used'] }, { sku: 'x', refund: 0 })], otherwise: { then: { sku: 'x' } } },
      rules: [],
      otherwise: { then: { ok: true } },
    });
    expect(at(analyse(doc))).toEqual(['missing-output /each/otherwise/then']);
  });

  it('reports a table row or default that leaves out an output column', () => {
    const doc = policy({
      tables: { fees: { inputs: [{ name: 'r' }], outputs: [{ name: 'fee' }, { name: 'note' }], rows: [{ when: { r: 'a' }, then: { fee: 1, note: 'a' } }, { when: { r: 'b' }, then: { fee: 2 } }], default: { note: 'none' } } },
      rules: [rule('r', true, { fee: { table: ['fees', { r: v('request.reason') }, 'fee'] } })],
      otherwise: { then: { fee: 0 } },
    });
    expect(analyse(doc).filter((w) => w.code === 'missing-output')).toEqual([
      { path: '/tables/fees/default', code: 'missing-output', message: 'the default of table `fees` does not set `fee` (the lookup gives null for it)' },
      { path: '/tables/fees/rows/1/then', code: 'missing-output', message: 'row 2 of table `fees` does not set `note` (the lookup gives null for it)' },
    ]);
  });

  it('does not ask for rule (the engine sets it) or the each results field', () => {
    const doc = policy({
      output: { type: 'object', required: ['ok', 'rule', 'items'], properties: { ok: {}, rule: {}, items: {} } },
      each: { over: v('request.items'), rules: [], otherwise: { then: { n: 1 } } },
      rules: [rule('a', v('request.member'), { ok: true })],
    });
    expect(analyse(doc)).toEqual([]);
  });
});

describe('date windows that can never be open', () => {
  it('reports a window whose start (a param) is after its end', () => {
    const doc = policy({
      params: { holidayFrom: { value: '2023-12-25', description: 'start' }, holidayUntil: { value: '2023-10-11', description: 'end' } },
      rules: [rule('holiday', { and: [{ isOnOrBefore: [v('params.holidayFrom'), v('request.placedAt')] }, { isOnOrBefore: [v('request.placedAt'), v('params.holidayUntil')] }] })],
    });
    expect(analyse(doc)).toEqual([{
      path: '/rules/0/when',
      code: 'empty-date-window',
      message: 'this date window is never open: no request.placedAt is both on or after 2023-12-25 (params.holidayFrom) and on or before 2023-10-11 (params.holidayUntil)',
    }]);
  });

  it('reads windows written with daysBetween (by UTC dates) and params read through a derived value', () => {
    const days = (a: unknown, b: unknown) => ({ daysBetween: [a, b] });
    const doc = policy({
      params: { holiday: { value: { purchasedFrom: '2023-12-26', purchasedThrough: '2023-12-25' }, description: 'window' } },
      let: [{ name: 'h', value: v('params.holiday') }, { name: 'placed', value: { date: [v('request.placedAt')] } }],
      rules: [
        rule('holiday', { and: [v('h'), { '>=': [days(v('h.purchasedFrom'), v('placed')), 0] }, { '<=': [0, days(v('placed'), v('h.purchasedThrough'))] }] }),
        rule('day-after', { and: [{ '>': [days('2024-01-01', v('placed')), 0] }, { '>=': [days(v('placed'), '2024-01-01'), 0] }] }),
        rule('same-day', { and: [{ '>=': [days('2024-01-01', v('placed')), 0] }, { '>=': [days(v('placed'), '2024-01-01'), 0] }] }),
        rule('a-week', { and: [{ '<': [-1, days('2024-01-01', v('placed'))] }, { '>': [days(v('placed'), '2024-01-08'), 0] }] }),
        rule('after-the-week', { and: [{ '<': [days('2024-01-01', v('placed')), 7] }, { '>': [days('2024-01-08', v('placed')), 0] }] }),
      ],
    });
    expect(analyse(doc)).toEqual([
      { path: '/rules/0/when', code: 'empty-date-window', message: 'this date window is never open: no placed is both on or after 2023-12-26 (params.holiday.purchasedFrom) and on or before 2023-12-25 (params.holiday.purchasedThrough)' },
      { path: '/rules/1/when', code: 'empty-date-window', message: 'this date window is never open: no placed is both on or after 2024-01-02 and on or before 2024-01-01' },
      { path: '/rules/4/when', code: 'empty-date-window', message: 'this date window is never open: no placed is both on or after 2024-01-09 and on or before 2024-01-07' },
    ]);
  });

  it('reports isBefore(x, a) and isAfter(x, b) with a ≤ b, nested in any expression', () => {
    const doc = policy({
      rules: [rule('odd', { if: [{ and: [{ isBefore: [v('request.placedAt'), '2024-01-01'] }, { isBefore: ['2024-01-01T00:00:00Z', v('request.placedAt')] }] }, true, false] })],
    });
    expect(at(analyse(doc))).toEqual(['empty-date-window /rules/0/when/if/0']);
  });

  it('reports a param window object whose start is after its end', () => {
    const doc = policy({
      params: { holiday: { value: { purchasedFrom: '2023-12-26', purchasedThrough: '2023-10-11', returnUntil: '2024-01-31' }, description: 'window' } },
      rules: [rule('h', { '!!': v('params.holiday') })],
    });
    expect(analyse(doc)).toEqual([{ path: '/params/holiday/value/purchasedFrom', code: 'empty-date-window', message: 'param `holiday` opens its window after it closes: purchasedFrom 2023-12-26 is after purchasedThrough 2023-10-11' }]);
  });

  it('does not warn on an open window, a one-instant window with inclusive ends, or a blank param', () => {
    const doc = policy({
      params: { w: { value: { from: '2023-10-11', until: '2023-12-25' }, description: 'ok' }, blank: { value: null, description: 'blank' } },
      rules: [
        rule('open', { and: [{ isOnOrBefore: ['2023-10-11', v('request.placedAt')] }, { isBefore: [v('request.placedAt'), '2023-12-26'] }] }),
        rule('one-day', { and: [{ isOnOrBefore: ['2023-10-11', v('request.placedAt')] }, { isOnOrBefore: [v('request.placedAt'), '2023-10-11'] }] }),
        rule('blank', { and: [{ isOnOrBefore: [v('params.blank'), v('request.placedAt')] }, { isOnOrBefore: [v('request.placedAt'), '2000-01-01'] }, { '!!': v('params.w') }] }),
      ],
    });
    expect(analyse(doc)).toEqual([]);
  });
});

describe('bounded work', () => {
  it('claims nothing more once the rule analysis has spent its budget', () => {
    const rules = [rule('a', v('request.member')), rule('b', v('request.member'))];
    expect(unreachableRules(rules, { then: {} }, '/rules', { params: {} }).map((w) => w.path)).toEqual(['/rules/1/when']);
    expect(unreachableRules(rules, { then: {} }, '/rules', { params: {} }, undefined, { left: 1 })).toEqual([]);
  });

  it('analyses a 500-rule document of wide conditions (and a 1,000-row table) without running away', () => {
    const cond = (i: number) => ({ or: Array.from({ length: 8 }, (_, j) => ({ and: [{ '<': [v(`a${j}`), i] }, v(`b${(i + j) % 20}`), { '===': [v(`c${j % 5}`), `x${i % 7}`] }] })) });
    const cols = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}` }));
    const doc = policy({
      input: { type: 'object' },
      tables: { t: { inputs: cols, outputs: [{ name: 'o' }], rows: Array.from({ length: 1000 }, (_, r) => ({ when: Object.fromEntries(cols.map((c, i) => [c.name, (r + i) % 3 === 0 ? { '<': r % 17 } : `v${(r + i) % 5}`])), then: { o: r } })) } },
      rules: [rule('t', { '!!': { table: ['t', Object.fromEntries(cols.map((c) => [c.name, v(c.name)])), 'o'] } }, { x: 0 }), ...Array.from({ length: 499 }, (_, i) => rule(`r${i}`, cond(i), { x: i }))],
    });
    const started = performance.now();
    analyzePolicy(doc);
    // Bounded to well under a second of work; the limit leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('analyzePolicy on bad documents', () => {
  it('never throws, whatever it is given', () => {
    for (const bad of [null, 1, 'x', [], {}, { rules: 'x', tables: { t: { inputs: 1, rows: [1] } } }, { rules: [null, { when: { and: 5 } }], each: { rules: [{}] }, params: { a: null } }]) {
      expect(() => analyzePolicy(bad)).not.toThrow();
    }
  });
});
