/** Collection operators: exact sums, extremes, counts and the own-property path reader. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OperatorError } from '../../../server/engine/types.ts';
import { getPath } from '../../../server/engine/operators/collections.ts';
import { decimalSum } from '../../../server/engine/operators/money.ts';
import { call } from './env.ts';

describe('sum', () => {
  it('adds decimals without float drift', () => {
    expect(call('sum', [[0.1, 0.2]])).toBe(0.3);
    expect(call('sum', [[19.99, 5.01, 0.7]])).toBe(25.7);
  });

  it('counts null elements as 0 and an empty array as 0', () => {
    expect(call('sum', [[10, null, 2.5]])).toBe(12.5);
    expect(call('sum', [[]])).toBe(0);
  });

  it('refuses non-numbers and non-arrays', () => {
    expect(() => call('sum', [[1, '2']])).toThrow('sum: element 1 is not a finite number');
    expect(() => call('sum', [[1, Infinity]])).toThrow(OperatorError);
    expect(() => call('sum', [null])).toThrow(OperatorError);
    expect(() => call('sum', [{ a: 1 }])).toThrow(OperatorError);
  });

  it('handles arrays too large to spread into a function call', () => {
    expect(call('sum', [Array.from({ length: 200_000 }, () => 0.01)])).toBe(2000);
  });

  it('equals the exact sum of integer cents', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -1e11, max: 1e11 }), { maxLength: 100 }), (cs) => {
      const exact = cs.reduce((a, b) => a + BigInt(b), 0n);
      expect(call('sum', [cs.map((c) => c / 100)])).toBe(Number(`${exact}e-2`));
    }));
  });
});

describe('maxOf and minOf', () => {
  it('find the largest and smallest numbers, skipping nulls', () => {
    expect(call('maxOf', [[3, null, 7, -1]])).toBe(7);
    expect(call('minOf', [[3, null, 7, -1]])).toBe(-1);
  });

  it('give null for an array without numbers', () => {
    expect(call('maxOf', [[]])).toBeNull();
    expect(call('minOf', [[null]])).toBeNull();
  });

  it('refuse non-numbers and non-arrays', () => {
    expect(() => call('maxOf', [['a']])).toThrow(OperatorError);
    expect(() => call('minOf', [5])).toThrow(OperatorError);
  });

  it('handle arrays too large to spread into Math.max', () => {
    const big = Array.from({ length: 200_000 }, (_, i) => i);
    expect(call('maxOf', [big])).toBe(199_999);
  });

  it('agree with Math.max and Math.min', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), (xs) => {
      expect(call('maxOf', [xs])).toBe(Math.max(...xs));
      expect(call('minOf', [xs])).toBe(Math.min(...xs));
    }));
  });
});

describe('count', () => {
  it('is the length of an array', () => {
    expect(call('count', [[1, null, 'x']])).toBe(3);
    expect(call('count', [[]])).toBe(0);
  });

  it('refuses a non-array', () => {
    expect(() => call('count', ['abc'])).toThrow(OperatorError);
    expect(() => call('count', [null])).toThrow(OperatorError);
  });
});

describe('get', () => {
  const order = { items: [{ sku: 'D-1', price: 450 }], shipping: { cost: 45, deliveredAt: null } };

  it('reads dotted paths through objects and arrays', () => {
    expect(call('get', [order, 'items.0.sku'])).toBe('D-1');
    expect(call('get', [order, 'shipping.cost'])).toBe(45);
    expect(call('get', [[10, 20], 1])).toBe(20);
    expect(call('get', [order, ''])).toBe(order);
  });

  it('gives the default, or null, for a missing path', () => {
    expect(call('get', [order, 'items.3.sku'])).toBeNull();
    expect(call('get', [order, 'payment.method', 'none'])).toBe('none');
    expect(call('get', [null, 'a', 0])).toBe(0);
    expect(call('get', ['abc', 'length'])).toBeNull();
  });

  it('gives a present null as null, not the default', () => {
    expect(call('get', [order, 'shipping.deliveredAt', 'x'])).toBeNull();
  });

  it('never resolves __proto__, constructor or prototype', () => {
    expect(call('get', [{}, '__proto__'])).toBeNull();
    expect(call('get', [{}, 'constructor'])).toBeNull();
    expect(call('get', [{}, 'constructor.constructor', 'no'])).toBe('no');
    expect(call('get', [[], 'constructor.prototype'])).toBeNull();
    expect(call('get', [{}, 'toString'])).toBeNull();
    // even when the data itself has such a key, it is not a path
    expect(call('get', [JSON.parse('{"__proto__": {"x": 1}}'), '__proto__.x'])).toBeNull();
    expect(call('get', [{ constructor: 'own' }, 'constructor'])).toBeNull();
  });

  it('reads only own properties, never inherited ones', () => {
    const child = Object.create({ secret: 1 }) as Record<string, unknown>;
    child.visible = 2;
    expect(call('get', [child, 'secret'])).toBeNull();
    expect(call('get', [child, 'visible'])).toBe(2);
  });

  it('refuses a path that is not a string or number', () => {
    expect(() => call('get', [order, ['items']])).toThrow(OperatorError);
    expect(() => call('get', [order, null])).toThrow(OperatorError);
  });
});

describe('get with a whole-number path', () => {
  it('reads what the path written as a string reads (the definition: the number is a one-segment path)', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }),
      fc.constantFrom<unknown>('abc', [, 'hole'], Object.assign([1, 2], { '-1': 'minus one' }), { 0: 'zero', '-0': 'minus zero', 1: 'one' }),
    );
    const n = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(-0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER));
    fc.assert(fc.property(value, n, (v, i) => {
      expect(Object.is(getPath(v, i), getPath(v, String(i)))).toBe(true);
    }), { numRuns: 5000 });
  });
});

describe('sum, maxOf and minOf on arrays of numbers only', () => {
  /** The definition: the numbers copied out, nulls left out, the first other element refused. */
  const numbersOf = (op: string, value: unknown[]): number[] => {
    const out: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new OperatorError(`${op}: element ${i} is not a finite number`);
      out.push(v);
    }
    return out;
  };
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (err) {
      return `throws ${(err as Error).message}`;
    }
  };
  it('answer as over the copied numbers (the array itself is read where every element is a finite number)', () => {
    const element = fc.oneof(
      { weight: 6, arbitrary: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(0.1, 0.2, 19.99, 5.01, -0, 1e21, 2 ** 53)) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, NaN, Infinity, '1', true, [], {}) },
    );
    const array = fc.oneof(fc.array(element, { maxLength: 8 }), fc.array(element, { maxLength: 8 }).map((a) => { const holey = [...a]; holey.length += 2; return holey; }));
    fc.assert(fc.property(array, (a) => {
      expect(outcome(() => call('sum', [a]))).toEqual(outcome(() => decimalSum(numbersOf('sum', a))));
      expect(outcome(() => call('maxOf', [a]))).toEqual(outcome(() => numbersOf('maxOf', a).reduce<number | null>((b, x) => (b === null || x > b ? x : b), null)));
      expect(outcome(() => call('minOf', [a]))).toEqual(outcome(() => numbersOf('minOf', a).reduce<number | null>((b, x) => (b === null || x < b ? x : b), null)));
    }), { numRuns: 10_000 });
  });
});
