/**
 * Building objects: json-logic returns an object literal unevaluated (and reads a one-key
 * object as an operation), so a decision field that is an object of computed values, such
 * as Solum's refundEta {minBusinessDays, maxBusinessDays} or Soom's layaway schedule
 * entries {dueDate, amount}, needs an explicit operator. The compiler evaluates each value
 * of the map (see compiler.ts); the safety checks treat the values as expressions.
 */
import type { OperatorSpec } from '../types.ts';

/** Keys an object built by a policy may never have. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const objectOperators: OperatorSpec[] = [
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
