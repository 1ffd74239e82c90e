/** Money operators: decimal-correct rounding to the currency's minor unit, without float drift. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OperatorError } from '../../../server/engine/types.ts';
import { decimalSum, minorUnitsOf, parseDecimal, roundDecimal, roundMoney } from '../../../server/engine/operators/money.ts';
import { call, testEnv } from './env.ts';

const CURRENCIES = ['USD', 'EUR', 'KRW', 'JPY', 'KWD', 'BHD', 'CLP', 'GBP'];
/** Decimal places of a number as written (its shortest form). */
const decimalsOf = (x: number): number => parseDecimal(String(x)).scale;
// Realistic amounts: up to a hundred billion, with up to six decimals.
const amount = fc.tuple(fc.integer({ min: -1e11, max: 1e11 }), fc.integer({ min: 0, max: 6 })).map(([n, k]) => n / 10 ** k);
const cents = fc.integer({ min: -1e13, max: 1e13 });

describe('minorUnits', () => {
  it('follows ISO 4217 for zero- and three-decimal currencies', () => {
    for (const c of ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'XPF', 'PYG', 'RWF', 'KMF', 'GNF', 'DJF', 'BIF', 'VUV']) expect(minorUnitsOf(c)).toBe(0);
    for (const c of ['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'IQD', 'LYD']) expect(minorUnitsOf(c)).toBe(3);
    expect(call('minorUnits', ['USD'])).toBe(2);
  });

  it('gives 2 for an unknown or null currency and reads codes case-insensitively', () => {
    expect(call('minorUnits', ['XYZ'])).toBe(2);
    expect(call('minorUnits', [null])).toBe(2);
    expect(call('minorUnits', ['jpy'])).toBe(0);
  });

  it('refuses a currency that is not a string', () => {
    expect(() => call('minorUnits', [840])).toThrow(OperatorError);
  });
});

describe('money', () => {
  it('rounds 1% of 123.45 to 1.23 despite the float product 1.2345000000000002', () => {
    expect(0.01 * 123.45).toBe(1.2345000000000002);
    expect(call('money', [0.01 * 123.45])).toBe(1.23);
  });

  it.each([[1.005, 1.01], [2.675, 2.68], [1.255, 1.26], [-1.005, -1.01], [0.1 + 0.2, 0.3], [0.125, 0.13], [-0.004, 0]])(
    'rounds %s half away from zero on its decimal value to %s', (x, want) => {
      expect(call('money', [x, 'USD'])).toBe(want);
    });

  it('uses the order currency when none is given', () => {
    expect(call('money', [1234.5])).toBe(1234.5);
    expect(call('money', [1234.5], testEnv({ currency: 'JPY' }))).toBe(1235);
    expect(call('money', [1.0005], testEnv({ currency: 'KWD' }))).toBe(1.001);
  });

  it('rounds to 2 decimals for a null or unknown currency', () => {
    expect(call('money', [1.005, null], testEnv({ currency: 'JPY' }))).toBe(1.01);
    expect(call('money', [1.005, 'ABC'])).toBe(1.01);
    expect(call('money', [1.005], testEnv({ currency: null }))).toBe(1.01);
  });

  it('gives null for a null amount', () => {
    expect(call('money', [null])).toBeNull();
    expect(call('money', [undefined, 'USD'])).toBeNull();
  });

  it('refuses a non-number, non-finite amount or a non-string currency', () => {
    expect(() => call('money', ['12.50'])).toThrow(OperatorError);
    expect(() => call('money', [Infinity])).toThrow(OperatorError);
    expect(() => call('money', [NaN])).toThrow(OperatorError);
    expect(() => call('money', [1, 840])).toThrow(OperatorError);
  });

  it('never returns negative zero', () => {
    expect(Object.is(call('money', [-0.001]), 0)).toBe(true);
    expect(Object.is(roundMoney(-0, 'USD'), 0)).toBe(true);
  });

  it('keeps large whole amounts exact', () => {
    expect(roundMoney(9007199254740991, 'KRW')).toBe(9007199254740991);
    expect(roundMoney(1e21, 'USD')).toBe(1e21);
    expect(roundMoney(9999999999999.99, 'USD')).toBe(9999999999999.99);
  });
});

describe('money properties', () => {
  it('has at most the minor-unit decimals', () => {
    fc.assert(fc.property(amount, fc.constantFrom(...CURRENCIES), (x, c) => decimalsOf(roundMoney(x, c)) <= minorUnitsOf(c)));
  });

  it('moves an amount by at most half a minor unit', () => {
    fc.assert(fc.property(amount, fc.constantFrom(...CURRENCIES), (x, c) => {
      const half = 0.5 * 10 ** -minorUnitsOf(c);
      // the difference is itself a float: allow a few ulps of x
      expect(Math.abs(roundMoney(x, c) - x)).toBeLessThanOrEqual(half + 4 * Number.EPSILON * Math.max(1, Math.abs(x)));
    }));
  });

  it('moves any finite double by at most half a minor unit, give or take float noise', () => {
    fc.assert(fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
      expect(Math.abs(roundMoney(x, 'USD') - x)).toBeLessThanOrEqual(0.005 + 1e-14 * Math.max(1, Math.abs(x)));
    }));
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.oneof(amount, fc.double({ min: -1e12, max: 1e12, noNaN: true })), fc.constantFrom(...CURRENCIES), (x, c) => {
      const once = roundMoney(x, c);
      return roundMoney(once, c) === once;
    }));
  });

  it('is symmetric for negative amounts', () => {
    fc.assert(fc.property(amount, fc.constantFrom(...CURRENCIES), (x, c) => roundMoney(-x, c) === 0 - roundMoney(x, c)));
  });

  it('leaves an exact cents value unchanged', () => {
    fc.assert(fc.property(cents, (n) => roundMoney(n / 100, 'USD') === n / 100));
  });

  it('sums rounded cents exactly', () => {
    fc.assert(fc.property(fc.array(cents.map((n) => n / 100), { maxLength: 50 }), (xs) => {
      const rounded = xs.map((x) => roundMoney(x, 'USD'));
      const exactCents = xs.reduce((sum, x) => sum + BigInt(Math.round(x * 100)), 0n);
      expect(call('sum', [rounded])).toBe(Number(`${exactCents}e-2`));
      expect(roundMoney(call('sum', [rounded]) as number, 'USD')).toBe(call('sum', [rounded]));
    }));
  });

  it('agrees with the percentage a person computes: p% of an amount in cents', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 100 }), (c, p) => {
      // exact: c * p / 100 cents, rounded half up (all positive)
      const num = BigInt(c) * BigInt(p), want = (num + 50n) / 100n;
      expect(roundMoney((p / 100) * (c / 100), 'USD')).toBe(Number(`${want}e-2`));
    }));
  });
});

describe('round, floor and ceil', () => {
  it('round is half away from zero with 0 digits by default', () => {
    expect(call('round', [2.5])).toBe(3);
    expect(call('round', [-2.5])).toBe(-3);
    expect(call('round', [2.4999])).toBe(2);
  });

  it('round works on the decimal value with digits', () => {
    expect(call('round', [2.675, 2])).toBe(2.68);
    expect(call('round', [1.0005, 3])).toBe(1.001);
    expect(call('round', [1250, -2])).toBe(1300);
  });

  it('floor strips float noise before rounding down', () => {
    expect(0.29 * 100).toBe(28.999999999999996);
    expect(call('floor', [0.29 * 100])).toBe(29);
    expect(call('floor', [1.239, 2])).toBe(1.23);
    expect(call('floor', [-1.231, 2])).toBe(-1.24);
  });

  it('ceil rounds toward positive infinity', () => {
    expect(call('ceil', [1.231, 2])).toBe(1.24);
    expect(call('ceil', [-1.239, 2])).toBe(-1.23);
    expect(call('ceil', [1.1 * 1.1, 2])).toBe(1.21);
    expect(call('ceil', [4])).toBe(4);
  });

  it('give null for null and refuse bad arguments', () => {
    for (const op of ['round', 'floor', 'ceil']) {
      expect(call(op, [null])).toBeNull();
      expect(() => call(op, ['1'])).toThrow(OperatorError);
      expect(() => call(op, [1, 1.5])).toThrow(OperatorError);
      expect(() => call(op, [1, 16])).toThrow(OperatorError);
    }
  });

  it('floor <= round <= ceil, at most one step apart', () => {
    fc.assert(fc.property(amount, fc.integer({ min: 0, max: 4 }), (x, d) => {
      const f = roundDecimal(x, d, 'floor'), r = roundDecimal(x, d), c = roundDecimal(x, d, 'ceil');
      expect(f).toBeLessThanOrEqual(r);
      expect(r).toBeLessThanOrEqual(c);
      // c - f is a float subtraction: allow a few ulps of x
      expect(c - f).toBeLessThanOrEqual(10 ** -d + 4 * Number.EPSILON * Math.max(1, Math.abs(x)));
    }));
  });
});

describe('decimalSum', () => {
  it('adds numbers as written', () => {
    expect(decimalSum([0.1, 0.2])).toBe(0.3);
    expect(decimalSum([1e-7, 1e21, -1e21])).toBe(1e-7);
    expect(decimalSum([])).toBe(0);
  });
});
