/**
 * Collection operators: totals over arrays (item refunds, fees) and a safe path reader.
 * Sums are exact decimal sums, so totals of rounded amounts never pick up float noise;
 * `get` reads own properties only, so a policy can never reach Object.prototype or a constructor.
 */
import type { OperatorSpec, PositionalFn } from '../types.ts';
import { OperatorError, positional } from '../types.ts';
import { decimalSum } from './money.ts';

/**
 * The numbers of an array, nulls left out (an absent amount counts as nothing). An array of
 * finite numbers only is its own list of numbers: it is given back as it is (callers only read it).
 */
function numbersOf(op: string, value: unknown): readonly number[] {
  if (!Array.isArray(value)) throw new OperatorError(`${op}: the argument must be an array`);
  let i = 0;
  for (; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) break;
  }
  if (i === value.length) return value as number[];
  // From the first element that is not a finite number: the copy, as before.
  const out: number[] = value.slice(0, i) as number[];
  for (; i < value.length; i++) {
    const v: unknown = value[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new OperatorError(`${op}: element ${i} is not a finite number`);
    out.push(v);
  }
  return out;
}

// Path segments that would lead out of the data into the object machinery.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Reads a dotted path ("a.b.0") through own properties of objects and arrays; undefined when absent. */
export function getPath(value: unknown, path: string | number): unknown {
  if (typeof path === 'number' && Number.isSafeInteger(path)) {
    // String(path) is one segment ("0", "-3": no dot, no forbidden name), and a number reads the
    // same own property as its string: the one-segment read below, without the string.
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, path)) return undefined;
    return (value as Record<number, unknown>)[path];
  }
  if (path === '') return value;
  const text = String(path);
  if (text.indexOf('.') === -1) {
    // One segment (a field name or an index): no split.
    if (value === null || typeof value !== 'object' || FORBIDDEN_SEGMENTS.has(text) || !Object.prototype.hasOwnProperty.call(value, text)) return undefined;
    return (value as Record<string, unknown>)[text];
  }
  let current = value;
  for (const segment of text.split('.')) {
    if (current === null || typeof current !== 'object' || FORBIDDEN_SEGMENTS.has(segment)
      || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

// Loops rather than Math.max(...xs): spreading a large array overflows the stack.
const extreme = (op: string, better: (a: number, b: number) => boolean): PositionalFn => (array): number | null => {
  let best: number | null = null;
  const xs = numbersOf(op, array);
  for (let i = 0; i < xs.length; i++) if (best === null || better(xs[i]!, best)) best = xs[i]!;
  return best;
};

export const collectionOperators: OperatorSpec[] = [
  {
    name: 'sum',
    family: 'collections',
    arity: [1, 1],
    doc: 'Exact decimal sum of an array of numbers (null elements count as 0; [] gives 0): [0.1, 0.2] sums to 0.3.',
    examples: [[{ sum: [[0.1, 0.2]] }, 0.3], [{ sum: [[10, null, 2.5]] }, 12.5], [{ sum: [[]] }, 0]],
    ...positional((array) => decimalSum(numbersOf('sum', array))),
  },
  {
    name: 'maxOf',
    family: 'collections',
    arity: [1, 1],
    doc: 'Largest number of an array (null elements are skipped); null for an array without numbers.',
    examples: [[{ maxOf: [[3, 7, 5]] }, 7], [{ maxOf: [[]] }, null]],
    ...positional(extreme('maxOf', (a, b) => a > b)),
  },
  {
    name: 'minOf',
    family: 'collections',
    arity: [1, 1],
    doc: 'Smallest number of an array (null elements are skipped); null for an array without numbers.',
    examples: [[{ minOf: [[3, 7, 5]] }, 3], [{ minOf: [[null]] }, null]],
    ...positional(extreme('minOf', (a, b) => a < b)),
  },
  {
    name: 'count',
    family: 'collections',
    arity: [1, 1],
    doc: 'Number of elements of an array.',
    examples: [[{ count: [[1, 2, 3]] }, 3], [{ count: [[]] }, 0]],
    ...positional((array) => {
      if (!Array.isArray(array)) throw new OperatorError('count: the argument must be an array');
      return array.length;
    }),
  },
  {
    name: 'get',
    family: 'collections',
    arity: [2, 3],
    doc: 'Reads a dotted path ("fees.esl" or "items.0.sku") of a value through its own properties; "__proto__", "constructor" and "prototype" never resolve. A missing path gives the default (or null).',
    examples: [
      [{ get: [{ items: [{ sku: 'D-1' }], currency: 'USD' }, 'items.0.sku'] }, 'D-1'],
      [{ get: [[1, 2], '5', 0] }, 0],
      [{ get: [{ a: 1, b: 2 }, 'constructor'] }, null],
    ],
    ...positional((value, path, fallback) => {
      if (typeof path !== 'string' && typeof path !== 'number') throw new OperatorError('get: the path must be a string such as "a.b.0"');
      const found = getPath(value, path);
      return found !== undefined ? found : fallback === undefined ? null : fallback;
    }),
  },
];
