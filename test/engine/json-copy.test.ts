/** copyJson copies JSON data exactly as structuredClone does; isPlainTree says when a value is such data. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyJson, isPlainTree, literalCopier } from '../../server/engine/json-copy.ts';

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

describe('literalCopier', () => {
  it('builds what structuredClone gives, a fresh value each call, or declines', () => {
    let built = 0;
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const copier = literalCopier(value);
      if (!copier) return;
      built++;
      const a = copier();
      const b = copier();
      expect(shape(a)).toEqual(shape(structuredClone(value)));
      if (value !== null && typeof value === 'object') expect(a).not.toBe(b);
    }), { numRuns: 5_000 });
    expect(built).toBeGreaterThan(4_000);
  });
  it('declines "__proto__" keys and numbers that do not print back, and keeps hostile strings as data', () => {
    expect(literalCopier(JSON.parse('{"__proto__": 1}'))).toBeNull();
    expect(literalCopier({ a: -0 })).toBeNull();
    expect(literalCopier({ a: NaN })).toBeNull();
    const hostile = { '"}); throw 1; ({"': '\u2028"); throw 1; //', x: ['</script>'] };
    expect(literalCopier(hostile)!()).toEqual(hostile);
  });
});
