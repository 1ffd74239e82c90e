/**
 * Building objects: json-logic returns an object literal unevaluated (and reads a one-key
 * object as an operation), so a decision field that is an object of computed values, such
 * as Solum's refundEta {minBusinessDays, maxBusinessDays} or Soom's layaway schedule
 * entries {dueDate, amount}, needs an explicit operator. The compiler evaluates each value
 * of the map (see compiler.ts); the safety checks treat the values as expressions.
 */
import type { OperatorSpec } from '../types.ts';
import { BudgetError, OperatorError } from '../types.ts';

/** Keys an object built by a policy may never have. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const objectOperators: OperatorSpec[] = [
  {
    name: 'root',
    family: 'objects',
    arity: [1, 2],
    doc: 'Reads a dotted path of the policy scope (order, request, params, derived values, item) like var, but also from inside map/filter/reduce/all/some/none, where var only sees the current element: {"filter": [{"var": "order.items"}, {"===": [{"var": "sku"}, {"root": "item.sku"}]}]}. The second argument is the default.',
    examples: [[{ root: ['params.windowDays', 30] }, 30]],
    lazy: true,
  },
  {
    name: 'range',
    family: 'objects',
    arity: [1, 2],
    doc: 'The integers from start (default 0) up to, not including, end: {"range": [3]} is [0, 1, 2]; {"range": [1, 4]} is [1, 2, 3]. Useful to build schedules with map.',
    examples: [[{ range: [3] }, [0, 1, 2]], [{ range: [1, 4] }, [1, 2, 3]]],
    fn: ([a, b], env) => {
      const [start, end] = b === undefined ? [0, a] : [a, b];
      if (!Number.isInteger(start) || !Number.isInteger(end)) throw new OperatorError('range: start and end must be integers');
      const n = Math.max(0, (end as number) - (start as number));
      if (n > env.budget.maxCollection) throw new BudgetError(`range: ${n} elements exceed the limit of ${env.budget.maxCollection}`);
      env.budget.steps -= n;
      if (env.budget.steps < 0) throw new BudgetError('evaluation exceeded its work budget (too many iteration steps)');
      return Array.from({ length: n }, (_, i) => (start as number) + i);
    },
  },
  {
    name: 'object',
    family: 'objects',
    arity: [1, 1],
    doc: 'Builds an object whose values are expressions: {"object": {"dueDate": {"var": "d"}, "amount": 100}}. Each value is evaluated; the keys are taken as written.',
    examples: [
      [{ object: { min: { '+': [1, 2] }, max: 5 } }, { min: 3, max: 5 }],
      [{ object: { dueDate: { addMonths: ['2024-01-31', 1] }, amount: 100 } }, { dueDate: '2024-02-29', amount: 100 }],
    ],
    lazy: true,
  },
];
