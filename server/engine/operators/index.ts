/**
 * The operator allow-list: every operator a policy expression may use, in one exhaustive
 * registry. An operator not listed here is refused when a document is saved.
 */
import type { OperatorSpec } from '../types.ts';
import { standardOperators } from './standard.ts';
import { timeOperators } from './time.ts';
import { moneyOperators } from './money.ts';
import { collectionOperators } from './collections.ts';
import { tableOperators } from './tables.ts';
import { objectOperators } from './objects.ts';

export const operators: readonly OperatorSpec[] = [
  ...standardOperators,
  ...timeOperators,
  ...moneyOperators,
  ...collectionOperators,
  ...tableOperators,
  ...objectOperators,
];

export const operatorsByName: ReadonlyMap<string, OperatorSpec> = new Map(operators.map((o) => [o.name, o]));

/** Operators json-logic-js has that we refuse, with the reason shown to the author. */
export const refusedOperators: Readonly<Record<string, string>> = {
  method: '"method" is not allowed: it calls methods of values (json-logic 1.x ran arbitrary code through it)',
  log: '"log" is not allowed: policies have no side effects',
};
