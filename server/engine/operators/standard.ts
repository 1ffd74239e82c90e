/**
 * The standard JsonLogic operators with json-logic-js 2.0.5 semantics, minus `log` and
 * `method` (removed: `log` writes to the console, `method` ran arbitrary code in 1.x).
 * Lazy operators (if, ?:, and, or, !!-free control flow, iteration, var, missing) are compiled
 * specially by ../compiler.ts and listed here without fn.
 */
import type { Env, OperatorSpec } from '../types.ts';
import { BudgetError } from '../types.ts';

/** json-logic-js truthiness: an empty array is false, everything else as in JavaScript. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return !!value;
}

const lazy = (name: string, arity: [number, number], doc: string, examples: Array<[unknown, unknown]>): OperatorSpec => ({
  name, family: 'standard', arity, doc, examples, lazy: true,
});

/* eslint-disable eqeqeq -- json-logic `==` is JavaScript loose equality on purpose */
export const standardOperators: OperatorSpec[] = [
  lazy('var', [0, 2], 'Reads a dotted path of the data ("order.items.0.sku"); the second argument is the default. Only own properties are read.', [[{ var: 'a.b' }, null]]),
  lazy('missing', [0, Infinity], 'Lists which of the given paths are null, empty or absent.', [[{ missing: ['a'] }, ['a']]]),
  lazy('missing_some', [2, 2], 'Like missing, but [] when at least N of the paths are present.', [[{ missing_some: [0, ['a']] }, []]]),
  lazy('if', [0, Infinity], 'if/then/elseif/then/else chain.', [[{ if: [true, 'yes', 'no'] }, 'yes']]),
  lazy('?:', [0, Infinity], 'Alias of if.', [[{ '?:': [false, 'yes', 'no'] }, 'no']]),
  lazy('and', [0, Infinity], 'First falsy argument, or the last one.', [[{ and: [true, 1] }, 1]]),
  lazy('or', [0, Infinity], 'First truthy argument, or the last one.', [[{ or: [false, 0, 'x'] }, 'x']]),
  lazy('map', [2, 2], 'Applies the expression to each element (the element is the data inside).', [[{ map: [[1, 2], { '*': [{ var: '' }, 2] }] }, [2, 4]]]),
  lazy('filter', [2, 2], 'Keeps the elements for which the expression is truthy.', [[{ filter: [[1, 2, 3], { '>': [{ var: '' }, 1] }] }, [2, 3]]]),
  lazy('reduce', [2, 3], 'Folds an array; inside, {"var":"current"} and {"var":"accumulator"}.', [[{ reduce: [[1, 2, 3], { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }, 6]]),
  lazy('all', [2, 2], 'True when the array is non-empty and every element passes.', [[{ all: [[1, 2], { '>': [{ var: '' }, 0] }] }, true]]),
  lazy('some', [2, 2], 'True when at least one element passes.', [[{ some: [[1, 2], { '>': [{ var: '' }, 1] }] }, true]]),
  lazy('none', [2, 2], 'True when no element passes.', [[{ none: [[1, 2], { '>': [{ var: '' }, 5] }] }, true]]),
  op('==', [2, 2], 'Loose equality (JavaScript ==).', [[{ '==': [1, '1'] }, true]], ([a, b]) => a == b),
  op('===', [2, 2], 'Strict equality.', [[{ '===': [1, '1'] }, false]], ([a, b]) => a === b),
  op('!=', [2, 2], 'Loose inequality.', [[{ '!=': [1, 2] }, true]], ([a, b]) => a != b),
  op('!==', [2, 2], 'Strict inequality.', [[{ '!==': [1, '1'] }, true]], ([a, b]) => a !== b),
  op('>', [2, 2], 'Greater than.', [[{ '>': [2, 1] }, true]], ([a, b]) => (a as number) > (b as number)),
  op('>=', [2, 2], 'Greater than or equal.', [[{ '>=': [1, 1] }, true]], ([a, b]) => (a as number) >= (b as number)),
  op('<', [2, 3], 'Less than; with three arguments, strictly between.', [[{ '<': [1, 2, 3] }, true]], ([a, b, c]) =>
    c === undefined ? (a as number) < (b as number) : (a as number) < (b as number) && (b as number) < (c as number)),
  op('<=', [2, 3], 'Less than or equal; with three arguments, between inclusive.', [[{ '<=': [1, 1, 3] }, true]], ([a, b, c]) =>
    c === undefined ? (a as number) <= (b as number) : (a as number) <= (b as number) && (b as number) <= (c as number)),
  op('!!', [1, 1], 'Truthiness (an empty array is false).', [[{ '!!': [[]] }, false]], ([a]) => truthy(a)),
  op('!', [1, 1], 'Negation of truthiness.', [[{ '!': [true] }, false]], ([a]) => !truthy(a)),
  op('%', [2, 2], 'Remainder.', [[{ '%': [7, 3] }, 1]], ([a, b]) => (a as number) % (b as number)),
  op('+', [0, Infinity], 'Sum; strings are parsed as numbers.', [[{ '+': [1, '2'] }, 3]], (args) =>
    args.reduce<number>((a, b) => parseFloat(a as unknown as string) + parseFloat(b as string), 0)),
  op('*', [1, Infinity], 'Product; strings are parsed as numbers.', [[{ '*': [2, 3] }, 6]], (args) =>
    args.reduce((a, b) => parseFloat(a as string) * parseFloat(b as string))),
  op('-', [1, 2], 'Difference, or negation with one argument.', [[{ '-': [5, 2] }, 3]], ([a, b]) =>
    b === undefined ? -(a as number) : (a as number) - (b as number)),
  op('/', [2, 2], 'Quotient.', [[{ '/': [6, 3] }, 2]], ([a, b]) => (a as number) / (b as number)),
  op('min', [0, Infinity], 'Smallest argument.', [[{ min: [3, 1, 2] }, 1]], (args) => Math.min(...(args as number[]))),
  op('max', [0, Infinity], 'Largest argument.', [[{ max: [3, 1, 2] }, 3]], (args) => Math.max(...(args as number[]))),
  op('in', [2, 2], 'Substring of a string, or element of an array.', [[{ in: ['b', ['a', 'b']] }, true]], ([a, b]) => {
    if (!b || typeof (b as { indexOf?: unknown }).indexOf !== 'function') return false;
    return (b as string | unknown[]).indexOf(a as string) !== -1;
  }),
  op('cat', [0, Infinity], 'Concatenates as strings.', [[{ cat: ['a', 1] }, 'a1']], (args, env) => {
    const s = args.join('');
    if (s.length > env.budget.maxCollection) throw new BudgetError(`cat: string of ${s.length} characters exceeds the limit of ${env.budget.maxCollection}`);
    // Building it is work in proportion to its length: without this, cat inside two nested
    // iterations builds up to maxCollection characters per step.
    spend(env, s.length, 'cat');
    return s;
  }),
  op('substr', [2, 3], 'Substring from start (negative counts from the end), with an optional length (negative trims the end).', [[{ substr: ['jsonlogic', 4] }, 'logic']], ([source, start, end]) => {
    if ((end as number) < 0) {
      const temp = String(source).substr(start as number);
      return temp.substr(0, temp.length + (end as number));
    }
    return String(source).substr(start as number, end as number);
  }),
  op('merge', [0, Infinity], 'Flattens its arguments one level into one array.', [[{ merge: [[1], 2, [3]] }, [1, 2, 3]]], (args, env) => {
    const out = ([] as unknown[]).concat(...args);
    if (out.length > env.budget.maxCollection) throw new BudgetError(`merge: array of ${out.length} elements exceeds the limit of ${env.budget.maxCollection}`);
    // Each element copied is a step: two nested maps over 1,000-element literals merging a
    // 1,000-element literal copy 10^9 elements in 10^6 iteration steps, enough to exhaust the
    // heap and abort the process, while every static bound holds.
    spend(env, out.length, 'merge');
    return out;
  }),
];

function spend(env: Env, n: number, name: string): void {
  env.budget.steps -= n;
  if (env.budget.steps < 0) throw new BudgetError(`${name}: evaluation exceeded its work budget (too many iteration steps)`);
}

function op(name: string, arity: [number, number], doc: string, examples: Array<[unknown, unknown]>, fn: NonNullable<OperatorSpec['fn']>): OperatorSpec {
  return { name, family: 'standard', arity, doc, examples, fn };
}
