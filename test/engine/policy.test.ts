/**
 * compile + evaluate on a small returns policy written for these tests: derived values in
 * order, per-item rules with totals, a decision table, first-match with otherwise, the trace,
 * input validation with JSON paths, and run-time faults as structured errors.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/engine/index.ts';
import { compileOk, compileProblems } from '../helpers/engine.ts';

const doc = {
  key: 'returns',
  title: 'Test returns',
  input: {
    type: 'object',
    required: ['order', 'request'],
    properties: {
      order: {
        type: 'object',
        required: ['deliveredAt', 'currency', 'items'],
        properties: {
          deliveredAt: { type: ['string', 'null'], format: 'date-time' },
          currency: { type: 'string' },
          items: { type: 'array', items: { type: 'object', required: ['sku', 'category', 'price'], properties: { sku: { type: 'string' }, category: { type: 'string' }, price: { type: 'number' } } } },
        },
      },
      request: { type: 'object', required: ['skus'], properties: { skus: { type: 'array', items: { type: 'string' } } } },
    },
  },
  params: {
    windowDays: { value: 30, description: 'Return window in days from delivery.' },
  },
  tables: {
    rates: {
      inputs: [{ name: 'category' }, { name: 'late' }],
      outputs: [{ name: 'rate' }],
      rows: [
        { when: { category: 'esl', late: true }, then: { rate: 0 } },
        { when: { late: true }, then: { rate: 0.8 } },
        { when: { category: { in: ['esl', 'accessory'] } }, then: { rate: 1 } },
      ],
      default: { rate: 0.5 },
    },
  },
  let: [
    { name: 'days', value: { daysBetween: [{ var: 'order.deliveredAt' }, { now: [] }] } },
    { name: 'late', value: { '>': [{ var: 'days' }, { var: 'params.windowDays' }] } },
  ],
  each: {
    over: { var: 'request.skus' },
    let: [{ name: 'line', value: { reduce: [{ var: 'order.items' }, { if: [{ '===': [{ var: 'current.sku' }, { var: 'accumulator.want' }] }, { var: 'current' }, { var: 'accumulator' }] }, { merge: [] }] } }],
    rules: [
      {
        id: 'unknown-sku',
        when: { '!': { some: [{ var: 'order.items' }, { '===': [{ var: 'sku' }, 'X-NONE'] }] } },
        then: { sku: { var: 'item' }, note: 'placeholder' },
      },
    ],
    otherwise: { then: { sku: { var: 'item' } } },
  },
  totals: [{ name: 'count', value: { count: [{ var: 'items' }] } }],
  rules: [
    { id: 'too-late', when: { and: [{ var: 'late' }, { '>': [{ var: 'days' }, 60] }] }, then: { eligible: false, rate: null } },
    { id: 'priced', when: true, then: { eligible: true, rate: { table: ['rates', { category: { var: 'order.items.0.category' }, late: { var: 'late' } }, 'rate'] }, count: { var: 'count' } } },
  ],
  otherwise: { then: { eligible: false } },
};

const order = (deliveredAt: string | null, category = 'esl') => ({
  order: { deliveredAt, currency: 'USD', items: [{ sku: 'A', category, price: 10 }] },
  request: { skus: ['A'] },
});

describe('compile', () => {
  it('compiles a valid document once into a reusable policy', () => {
    const policy = compileOk(doc);
    const a = evaluate(policy, order('2024-01-01T10:00:00Z'), '2024-01-10T00:00:00Z');
    const b = evaluate(policy, order('2024-01-01T10:00:00Z', 'doll'), '2024-01-10T00:00:00Z');
    expect(a.ok && a.decision.rate).toBe(1);
    expect(b.ok && b.decision.rate).toBe(0.5);
  });

  it('names the JSON path of a schema problem', () => {
    expect(compileProblems({ ...doc, rules: [{ id: 'Bad Id', when: true, then: {} }] })).toContainEqual(
      expect.objectContaining({ path: '/rules/0/id' }),
    );
  });

  it('refuses a decision field named "rule", which the engine sets', () => {
    expect(compileProblems({ ...doc, otherwise: { then: { rule: 'x' } } })).toEqual([
      { path: '/otherwise/then/rule', message: expect.stringContaining('set by the engine') },
    ]);
  });

  it('refuses a decision field that would set the decision object\'s prototype', () => {
    const then = JSON.parse('{"__proto__": {"object": {"polluted": true}}, "ok": 1}');
    expect(compileProblems({ ...doc, otherwise: { then } })).toContainEqual(expect.objectContaining({ path: '/otherwise/then/__proto__' }));
  });

  it('refuses an input schema that does not compile, at /input', () => {
    expect(compileProblems({ ...doc, input: { $ref: 'nope.schema.json' } })).toEqual([{ path: '/input', message: expect.stringContaining('invalid JSON Schema') }]);
  });
});

describe('evaluate', () => {
  const policy = compileOk(doc);

  it('evaluates derived values in order and lets later ones use earlier ones', () => {
    const r = evaluate(policy, order('2024-01-01T10:00:00Z'), '2024-02-05T00:00:00Z', { trace: true });
    expect(r.ok && r.trace?.let.map((d) => [d.name, d.value])).toEqual([['days', 35], ['late', true]]);
  });

  it('takes the first matching rule and names it in the decision', () => {
    const r = evaluate(policy, order('2024-01-01T10:00:00Z'), '2024-03-15T00:00:00Z');
    expect(r.ok && r.decision).toEqual({ eligible: false, rate: null, items: [{ sku: 'A', note: 'placeholder', rule: 'unknown-sku' }], rule: 'too-late' });
  });

  it('runs the per-item rules once per element and exposes the results to totals', () => {
    const input = { ...order('2024-01-01T10:00:00Z'), request: { skus: ['A', 'B', 'C'] } };
    const r = evaluate(policy, input, '2024-01-05T00:00:00Z');
    expect(r.ok && r.decision.count).toBe(3);
    expect(r.ok && (r.decision.items as unknown[]).length).toBe(3);
  });

  it('reads decision tables with hit policy first and falls back to the default', () => {
    const late = evaluate(policy, order('2024-01-01T10:00:00Z', 'doll'), '2024-02-05T00:00:00Z');
    expect(late.ok && late.decision.rate).toBe(0.8);
    const lateEsl = evaluate(policy, order('2024-01-01T10:00:00Z', 'esl'), '2024-02-05T00:00:00Z');
    expect(lateEsl.ok && lateEsl.decision.rate).toBe(0);
  });

  it('traces every rule tried with the values it read, and which matched', () => {
    const r = evaluate(policy, order('2024-01-01T10:00:00Z'), '2024-02-05T00:00:00Z', { trace: true });
    expect(r.ok && r.trace?.rules).toEqual([
      { id: 'too-late', path: '/rules/0', matched: false, values: { late: true, days: 35 } },
      { id: 'priced', path: '/rules/1', matched: true, values: {} },
    ]);
    expect(r.ok && r.trace?.matched).toBe('priced');
    expect(r.ok && r.trace?.items?.[0]?.matched).toBe('unknown-sku');
  });

  it('rejects bad input before any rule runs, naming each JSON path', () => {
    const r = evaluate(policy, { order: { deliveredAt: 5, currency: 'USD', items: [{ sku: 'A', price: 'x' }] }, request: {} }, '2024-01-01T00:00:00Z');
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== 'input') throw new Error('expected an input error');
    expect(r.error.problems.map((p) => p.path).sort()).toEqual(['/order/deliveredAt', '/order/items/0/category', '/order/items/0/price', '/request/skus']);
  });

  it('rejects an "at" that is not an ISO-8601 date-time', () => {
    const r = evaluate(policy, order('2024-01-01T10:00:00Z'), 'yesterday');
    expect(r.ok).toBe(false);
  });

  it('is reproducible: the same input and at give the same decision', () => {
    const a = evaluate(policy, order('2024-01-01T10:00:00Z'), '2024-01-20T00:00:00Z');
    const b = evaluate(policy, order('2024-01-01T10:00:00Z'), '2024-01-20T00:00:00Z');
    expect(a).toEqual(b);
  });

  it('turns a run-time fault into a structured error with the expression path', () => {
    const bad = compileOk({ ...doc, let: [{ name: 'd', value: { addDays: [{ var: 'order.deliveredAt' }, 1.5] } }] });
    const r = evaluate(bad, order('2024-01-01T10:00:00Z'), '2024-01-20T00:00:00Z');
    expect(r).toEqual({ ok: false, error: { kind: 'runtime', path: '/let/0/value', message: expect.stringContaining('addDays'), budgetExceeded: false } });
  });

  it('copies results so a caller cannot change compiled params', () => {
    const p = compileOk({ ...doc, params: { ...doc.params, tiers: { value: [1, 2], description: 'tiers' } }, otherwise: { then: { tiers: { var: 'params.tiers' } } }, rules: [] });
    const r = evaluate(p, order('2024-01-01T10:00:00Z'), '2024-01-20T00:00:00Z');
    (r.ok ? (r.decision.tiers as number[]) : []).push(3);
    const again = evaluate(p, order('2024-01-01T10:00:00Z'), '2024-01-20T00:00:00Z');
    expect(again.ok && again.decision.tiers).toEqual([1, 2]);
  });

  it('keeps an input key "__proto__" as plain data', () => {
    const input = JSON.parse('{"order":{"deliveredAt":null,"currency":"USD","items":[]},"request":{"skus":[]},"__proto__":{"polluted":true}}');
    const r = evaluate(policy, input, '2024-01-20T00:00:00Z');
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
