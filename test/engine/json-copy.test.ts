/** copyJson copies JSON data exactly as structuredClone does; isPlainTree says when a value is such data. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyJson, isPlainTree } from '../../server/engine/json-copy.ts';

const shape = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return Object.is(v, -0) ? '-0' : v;
  if (Array.isArray(v)) return ['array', Object.getPrototypeOf(v) === Array.prototype, v.length, ...v.map(shape)];
  return ['object', Object.getPrototypeOf(v) === Object.prototype, Object.keys(v).map((k) => [k, Object.getOwnPropertyDescriptor(v, k)!.enumerable, shape((v as Record<string, unknown>)[k])])];
};

describe('copyJson', () => {
  it('gives what structuredClone gives for JSON data (keys in order, "__proto__" as data, -0)', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, withProto) => {
      const value = withProto && v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.parse(`{"__proto__": {"a": 1}, "1": 2, ${JSON.stringify(v).slice(1)}`.replace(/, }$/, '}')) : v;
      expect(isPlainTree(value)).toBe(true);
      const copied = copyJson(value);
      expect(shape(copied)).toEqual(shape(structuredClone(value)));
      if (value !== null && typeof value === 'object') expect(copied).not.toBe(value);
    }), { numRuns: 5_000 });
    expect(shape(copyJson([-0, { b: -0 }]))).toEqual(shape(structuredClone([-0, { b: -0 }])));
  });
});

describe('isPlainTree', () => {
  it('refuses shared references, holes, accessors, symbols, class instances and non-JSON values', () => {
    const shared = { a: 1 };
    expect(isPlainTree({ x: shared, y: shared })).toBe(false);
    expect(isPlainTree([1, , 3])).toBe(false); // eslint-disable-line no-sparse-arrays
    expect(isPlainTree(Object.defineProperty({}, 'g', { get: () => 1, enumerable: true }))).toBe(false);
    expect(isPlainTree({ [Symbol('s')]: 1 })).toBe(false);
    expect(isPlainTree(new Date(0))).toBe(false);
    expect(isPlainTree(new Map())).toBe(false);
    expect(isPlainTree({ f: () => 1 })).toBe(false);
    expect(isPlainTree({ u: undefined })).toBe(false);
    expect(isPlainTree({ b: 1n })).toBe(false);
    expect(isPlainTree({ a: [1, { b: 'c' }], n: null, t: true })).toBe(true);
  });
});
