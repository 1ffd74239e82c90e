/**
 * The double-arithmetic fast paths of roundDecimal and decimalSum give exactly what their
 * BigInt definitions give (roundDecimalExact, decimalSumExact), for every rounding mode and
 * digit count, over amounts, halves, float products, negatives, and huge and tiny numbers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalSum, decimalSumExact, roundDecimal, roundDecimalExact } from '../../../server/engine/operators/money.ts';
import type { RoundingMode } from '../../../server/engine/operators/money.ts';

const modes: RoundingMode[] = ['half-away-from-zero', 'floor', 'ceil'];
const outcome = (f: () => number): string => {
  try {
    return `ok ${Object.is(f(), -0) ? '-0' : f()}`;
  } catch (err) {
    return `throws ${(err as Error).message}`;
  }
};

/** Amounts with k decimals, their halves and neighbours, float products and sums, extremes. */
const value = fc.oneof(
  fc.tuple(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 9 })).map(([n, k]) => n / 10 ** k),
  fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 })).map(([n, k]) => (n + 0.5) / 10 ** k),
  fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 6 })).map(([n, k]) => (2 * n + 1) / (2 * 10 ** k)),
  fc.tuple(fc.integer({ min: -1e7, max: 1e7 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 4 })).map(([a, i, b, j]) => (a / 10 ** i) * (b / 10 ** j)),
  fc.tuple(fc.integer({ min: -1e7, max: 1e7 }), fc.integer({ min: -1e7, max: 1e7 }), fc.integer({ min: 0, max: 4 })).map(([a, b, k]) => a / 10 ** k + b / 10 ** k),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
  fc.double({ min: 1e13, max: 1e17, noNaN: true }).chain((x) => fc.constantFrom(x, -x)),
  fc.constantFrom(0, -0, 1.005, 2.675, 1.255, -1.005, 0.1 + 0.2, 0.125, -0.004, 1.2345000000000002, 28.999999999999996, 1.1 * 1.1, 999999999999999.9, 999999999999999.4,
    1e15, -1e15, 1e-7, 1.5e-7, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE, 9007199254740991, 0.5, -0.5, 1.5, -2.5, 4.35, 4.345, 1e21, NaN, Infinity, -Infinity),
);

describe('roundDecimal fast paths', () => {
  it('agree with the BigInt definition for every mode and digit count', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: -15, max: 15 }), fc.constantFrom(...modes), (x, digits, mode) =>
        outcome(() => roundDecimal(x, digits, mode)) === outcome(() => roundDecimalExact(x, digits, mode))),
      { numRuns: 200_000 },
    );
  });
  it('agree on money digits (0, 2, 3) over cents and products of prices and rates', () => {
    const price = fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100);
    const rate = fc.integer({ min: 0, max: 100 }).map((r) => r / 100);
    fc.assert(
      fc.property(price, fc.integer({ min: 1, max: 500 }), rate, fc.constantFrom(0, 2, 3), fc.constantFrom(...modes), (p, q, r, digits, mode) => {
        const x = p * q * r;
        return outcome(() => roundDecimal(x, digits, mode)) === outcome(() => roundDecimalExact(x, digits, mode));
      }),
      { numRuns: 200_000 },
    );
  });
  it('agree on every half of 0.000 … 99.999 at 2 decimals', () => {
    for (let n = -100_000; n <= 100_000; n++) {
      const x = n / 1000;
      for (const mode of modes) expect(roundDecimal(x, 2, mode)).toBe(roundDecimalExact(x, 2, mode));
    }
  });
  it('keep the documented examples', () => {
    expect(roundDecimal(1.005, 2)).toBe(1.01);
    expect(roundDecimal(-2.5, 0)).toBe(-3);
    expect(roundDecimal(1.239, 2, 'floor')).toBe(1.23);
    expect(Object.is(roundDecimal(-0.004, 2), 0)).toBe(true);
  });
});

describe('decimalSum fast path', () => {
  it('agrees with the BigInt definition', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 12 }), (xs) => outcome(() => decimalSum(xs)) === outcome(() => decimalSumExact(xs))), { numRuns: 100_000 });
  });
  it('agrees on amounts of a few decimals, the common case', () => {
    const amount = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 4 })).map(([n, k]) => n / 10 ** k);
    fc.assert(fc.property(fc.array(amount, { maxLength: 80 }), (xs) => outcome(() => decimalSum(xs)) === outcome(() => decimalSumExact(xs))), { numRuns: 100_000 });
  });
  it('keeps the documented examples', () => {
    expect(decimalSum([0.1, 0.2])).toBe(0.3);
    expect(decimalSum([])).toBe(0);
    expect(Object.is(decimalSum([-0]), 0)).toBe(true);
  });
});
