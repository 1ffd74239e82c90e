/**
 * Shared by the safety tests (safety.test.ts, safety-expressions.test.ts): document builders,
 * an assertion, and a realistic returns policy using every section of the DSL (params,
 * tables, let, each, totals, rules, fixtures, tests) with the kinds of expressions merchants
 * write, in which the static safety checks must find nothing.
 */
import { expect } from 'vitest';

/** A minimal valid policy whose first rule's `when` is `when`. */
export function policy(when: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { key: 'p', title: 'P', input: { type: 'object' }, rules: [{ id: 'r1', when, then: { ok: true } }], otherwise: { then: { ok: false } }, ...extra };
}

/** Asserts the problems are exactly one, at `path`, with a message matching `message`. */
export function expectOnly(problems: Array<{ path: string; message: string }>, path: string, message: RegExp): void {
  expect(problems).toEqual([{ path, message: expect.stringMatching(message) }]);
}

export const realisticPolicy = {
  key: 'returns',
  title: 'Returns and refunds',
  input: { type: 'object' },
  params: {
    windowDays: { value: 30, description: 'Days after delivery a return is accepted', unit: 'days' },
    returnFee: { value: 10, description: 'Return shipping fee when the customer changed their mind', unit: 'USD' },
  },
  tables: {
    refundRates: {
      description: 'Refund rate by item condition and category',
      hitPolicy: 'first',
      inputs: [{ name: 'condition' }, { name: 'category' }],
      outputs: [{ name: 'rate' }, { name: 'reason' }],
      rows: [
        { when: { condition: 'original' }, then: { rate: 1, reason: 'unopened' } },
        { when: { condition: { in: ['opened', 'used'] }, category: { '!=': 'software' } }, then: { rate: 0.85, reason: 'opened' } },
        { when: { condition: 'damaged' }, then: { rate: 0, reason: 'damaged' } },
      ],
      default: { rate: 0, reason: 'not covered' },
    },
  },
  let: [
    { name: 'daysSinceDelivery', value: { daysBetween: [{ var: 'order.shipping.deliveredAt' }, { now: [] }] } },
    { name: 'withinWindow', value: { '<=': [{ var: 'daysSinceDelivery' }, { var: 'params.windowDays' }] } },
    { name: 'requestedSkus', value: { map: [{ var: 'request.items' }, { var: 'sku' }] } },
    { name: 'requestedQuantity', value: { reduce: [{ var: 'request.items' }, { '+': [{ var: 'accumulator' }, { var: 'current.quantity' }] }, 0] } },
    { name: 'missingFields', value: { missing: ['order.id', 'order.shipping.deliveredAt'] } },
  ],
  each: {
    over: { var: 'request.items' },
    into: 'items',
    let: [
      { name: 'line', value: { get: [{ var: 'order' }, 'items.0'] } },
      { name: 'rate', value: { table: ['refundRates', { condition: { var: 'item.condition' }, category: { var: 'line.category' } }, 'rate'] } },
    ],
    rules: [
      {
        id: 'activated-software',
        description: 'Activated software cannot be returned',
        when: { and: [{ '==': [{ var: 'line.category' }, 'software'] }, { '!!': [{ var: 'item.activated' }] }] },
        then: { eligible: false, refundRate: 0 },
      },
      {
        id: 'by-condition',
        when: { '>': [{ var: 'rate' }, 0] },
        then: { eligible: true, refundRate: { var: 'rate' }, refundAmount: { '*': [{ var: 'rate' }, { var: 'line.unitPrice' }, { var: 'item.quantity' }] } },
      },
    ],
    otherwise: { then: { eligible: false, refundRate: 0 } },
  },
  totals: [
    { name: 'eligibleCount', value: { count: [{ filter: [{ var: 'items' }, { var: 'eligible' }] }] } },
    { name: 'eligibleSkus', value: { reduce: [{ var: 'items' }, { merge: [{ var: 'accumulator' }, [{ var: 'current.sku' }]] }, []] } },
    { name: 'itemsTotal', value: { reduce: [{ var: 'items' }, { '+': [{ var: 'accumulator' }, { var: 'current.refundAmount' }] }, 0] } },
  ],
  rules: [
    { id: 'outside-window', description: 'Returns are accepted for 30 days', when: { '!': [{ var: 'withinWindow' }] }, then: { eligible: false, refundAmount: 0 } },
    {
      id: 'changed-mind',
      when: { and: [{ '==': [{ var: 'request.reason' }, 'changed_mind'] }, { some: [{ var: 'items' }, { var: 'eligible' }] }] },
      then: { eligible: true, refundAmount: { max: [0, { '-': [{ var: 'itemsTotal' }, { var: 'params.returnFee' }] }] } },
    },
    {
      id: 'defective',
      when: { in: [{ var: 'request.reason' }, ['defective', 'damaged_in_transit', 'wrong_item']] },
      then: { eligible: true, refundAmount: { var: 'itemsTotal' }, tags: { map: [{ var: 'items' }, { filter: [{ var: 'tags' }, { '!=': [{ var: '' }, 'internal'] }] }] } },
    },
  ],
  otherwise: { id: 'not-eligible', then: { eligible: false, refundAmount: 0 } },
  fixtures: {
    delivered: {
      order: { id: 'SO-1', currency: 'USD', shipping: { deliveredAt: '2024-01-02T00:00:00Z' }, items: [{ sku: 'E-1', category: 'esl', unitPrice: 20, quantity: 1 }] },
      request: { reason: 'changed_mind', items: [{ sku: 'E-1', quantity: 1, condition: 'opened' }] },
    },
  },
  tests: [
    { name: 'opened ESL within the window', at: '2024-01-10T00:00:00Z', base: 'delivered', input: {}, expect: { eligible: true } },
    { name: 'too late', at: '2024-03-10T00:00:00Z', base: 'delivered', input: {}, expect: { eligible: false, rule: 'outside-window' } },
  ],
};
