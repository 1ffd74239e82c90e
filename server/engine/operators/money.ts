/**
 * Money and decimal rounding. Amounts are JavaScript numbers in the currency's major unit, so
 * rounding works on decimal digits (BigInt), never on the binary value: 0.01 * 123.45 is
 * 1.2345000000000002 in floating point and must round to 1.23, and 1.005 (stored as
 * 1.00499999999999989...) must round to 1.01, as a person with a calculator would get.
 */
import type { OperatorSpec } from '../types.ts';
import { OperatorError, positional } from '../types.ts';

// ISO 4217 minor units that differ from the usual 2.
const ZERO_DECIMALS = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'XPF', 'PYG', 'RWF', 'KMF', 'GNF', 'DJF', 'BIF', 'VUV']);
const THREE_DECIMALS = new Set(['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'IQD', 'LYD']);

/** Decimals of a currency's minor unit (ISO 4217): minorUnitsOf("JPY") = 0, ("KWD") = 3; unknown or null = 2. */
export function minorUnitsOf(currency: string | null | undefined): number {
  if (currency === lastCurrency) return lastMinorUnits;
  const code = typeof currency === 'string' ? currency.toUpperCase() : '';
  const units = ZERO_DECIMALS.has(code) ? 0 : THREE_DECIMALS.has(code) ? 3 : 2;
  if (typeof currency === 'string') {
    lastCurrency = currency;
    lastMinorUnits = units;
  }
  return units;
}
// The last currency asked for (an evaluation asks for its order's currency again and again).
let lastCurrency: string | null = null;
let lastMinorUnits = 2;

/** An exact decimal: value = units × 10^-scale. */
export interface Decimal {
  units: bigint;
  scale: number;
}

/** Reads a number's decimal text ("1.2345", "-1.5e-7", "1.00000000000000e+21") exactly. */
export function parseDecimal(text: string): Decimal {
  const m = /^(-?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) throw new OperatorError(`not a decimal number: ${text}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[1]}${m[2]}${fraction}`);
  const scale = fraction.length - Number(m[4] ?? 0);
  return scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
}

/** The closest number to a decimal, without -0. */
function toNumber(units: bigint, scale: number): number {
  const n = Number(`${units}e${-scale}`);
  return n === 0 ? 0 : n;
}

export type RoundingMode = 'half-away-from-zero' | 'floor' | 'ceil';

/**
 * Rounds x to `digits` decimals (negative: to tens, hundreds...) on its decimal value.
 * The decimal value is x's first 15 significant digits: a double holds 15 reliably, and float
 * noise from arithmetic lives beyond them (1.2345000000000002, 28.999999999999996).
 * So amounts are exact up to 15 significant digits (9,999,999,999,999.99 with cents); a 16th
 * or 17th digit is taken for noise. From 1e15 on a double cannot hold cents anyway and 15 digits
 * would change the integer part, so there its exact shortest form is used.
 * roundDecimal(1.005, 2) = 1.01; roundDecimal(-2.5, 0) = -3; roundDecimal(1.239, 2, 'floor') = 1.23
 */
export function roundDecimal(x: number, digits: number, mode: RoundingMode = 'half-away-from-zero'): number {
  if (Number.isInteger(digits) && digits >= 0 && digits <= 15) {
    // Already on `digits` decimals: some m with |m| < 10^15 gives m / 10^digits === x, so the
    // decimal m × 10^-digits is x's 15-significant-digit value (two such decimals differ by
    // more than a unit in the last place of x) and rounding it changes nothing.
    const p = POW10[digits]!;
    const m = Math.round(x * p);
    if (m / p === x && Math.abs(m) < 1e15) return x === 0 ? 0 : x;
  }
  const fast = roundShort(x, digits, mode);
  return fast === undefined ? roundDecimalExact(x, digits, mode) : fast;
}

/** 10^0 … 10^22, the powers of ten a double holds exactly. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * roundDecimalExact in double arithmetic where that is exact, else undefined: x's 15-digit
 * decimal has an integer of at most 15 digits (below 2^53, so %, - and the division by a power
 * of ten at most 10^22 are exact), and the final quotient or product is correctly rounded,
 * exactly as the BigInt path's Number("qe-d").
 */
function roundShort(x: number, digits: number, mode: RoundingMode): number | undefined {
  if (!(Math.abs(x) < 1e15) || !Number.isInteger(digits) || digits < -15 || digits > 15) return undefined;
  const text = x.toPrecision(15);
  const n = text.length;
  let i = 0;
  const negative = text.charCodeAt(0) === 45;
  if (negative) i++;
  let units = 0;
  let scale = 0;
  let point = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      point = true;
      continue;
    }
    if (c < 48 || c > 57) break;
    units = units * 10 + (c - 48);
    if (point) scale++;
  }
  if (i < n) {
    // "1.23450000000000e-7": only negative exponents occur below 1e15.
    if (text.charCodeAt(i) !== 101 || text.charCodeAt(i + 1) !== 45) return undefined;
    scale += Number(text.slice(i + 2));
  }
  if (negative) units = -units;
  let value: number;
  if (scale <= digits) {
    if (scale > 22) return undefined;
    value = units / POW10[scale]!;
  } else {
    if (scale - digits > 22) return undefined;
    const divisor = POW10[scale - digits]!;
    const r = units % divisor; // exact, with the sign of units like BigInt's %
    let q = (units - r) / divisor; // exact: an integer below 2^53
    if (mode === 'half-away-from-zero') {
      if (2 * Math.abs(r) >= divisor) q += units < 0 ? -1 : 1;
    } else if (mode === 'floor') {
      if (r < 0) q -= 1;
    } else if (r > 0) {
      q += 1;
    }
    value = digits >= 0 ? q / POW10[digits]! : q * POW10[-digits]!;
  }
  return value === 0 ? 0 : value;
}

/** The definition of roundDecimal, on exact decimals (BigInt); the fast paths above must agree with it. */
export function roundDecimalExact(x: number, digits: number, mode: RoundingMode = 'half-away-from-zero'): number {
  const { units, scale } = parseDecimal(Math.abs(x) < 1e15 ? x.toPrecision(15) : String(x));
  if (scale <= digits) return toNumber(units, scale);
  const divisor = 10n ** BigInt(scale - digits);
  let q = units / divisor; // BigInt division truncates toward zero
  const r = units % divisor; // and the remainder has the sign of units
  if (mode === 'half-away-from-zero') {
    if (2n * (r < 0n ? -r : r) >= divisor) q += units < 0n ? -1n : 1n;
  } else if (mode === 'floor') {
    if (r < 0n) q -= 1n;
  } else if (r > 0n) {
    q += 1n;
  }
  return toNumber(q, digits);
}

/** An amount rounded half away from zero to the currency's minor unit: roundMoney(1.005, "USD") = 1.01, roundMoney(99.5, "JPY") = 100. */
export function roundMoney(amount: number, currency: string | null): number {
  return roundDecimal(amount, minorUnitsOf(currency));
}

/** The exact decimal sum of numbers as written (their shortest form): decimalSum([0.1, 0.2]) = 0.3. */
export function decimalSum(values: readonly number[]): number {
  // One finite number is its own sum: the exact decimal of String(v) read back (toNumber) is v, -0 as 0.
  if (values.length === 1 && Number.isFinite(values[0])) return values[0] === 0 ? 0 : values[0]!;
  const fast = sumShort(values);
  return fast === undefined ? decimalSumExact(values) : fast;
}

/**
 * decimalSum in double arithmetic where that is exact, else undefined. For each value some
 * m / 10^k === v with |m| < 10^15 and k ≤ 15: the decimal m × 10^-k is then the value of v's
 * shortest form (at most one decimal of 15 significant digits lies within half a unit in the
 * last place of v). The sum of the m scaled to the largest k is exact while every term and
 * partial sum stays a safe integer, and its quotient by 10^k is correctly rounded like Number("te-k").
 */
function sumShort(values: readonly number[]): number | undefined {
  const n = values.length;
  if (n > 64) return undefined;
  // Whole numbers below 10^15 have scale 0 and are their own terms: the loops below, for them.
  let whole = 0;
  let i = 0;
  for (; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || !(Math.abs(v) < 1e15)) break;
    whole += v;
    if (!(Math.abs(whole) <= Number.MAX_SAFE_INTEGER)) return undefined;
  }
  if (i === n) return whole === 0 ? 0 : whole;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const k = shortScale(values[i]!);
    if (k < 0) return undefined;
    if (k > scale) scale = k;
  }
  const p = POW10[scale]!;
  let total = 0;
  for (let i = 0; i < n; i++) {
    // term × 10^-scale round-trips to v with at most 15 digits, so it is v's shortest form's value.
    const term = Math.round(values[i]! * p);
    if (!(Math.abs(term) < 1e15) || term / p !== values[i]) return undefined;
    total += term;
    if (!(Math.abs(total) <= Number.MAX_SAFE_INTEGER)) return undefined;
  }
  const value = total / p;
  return value === 0 ? 0 : value;
}

/** The smallest k ≤ 15 with m / 10^k === v for an integer |m| < 10^15, or -1. */
function shortScale(v: number): number {
  for (let k = 0; k <= 15; k++) {
    const p = POW10[k]!;
    const m = Math.round(v * p);
    if (!(Math.abs(m) < 1e15)) return -1;
    if (m / p === v) return k;
  }
  return -1;
}

/** The definition of decimalSum, on exact decimals (BigInt); the fast path above must agree with it. */
export function decimalSumExact(values: readonly number[]): number {
  const parts = values.map((v) => parseDecimal(String(v)));
  const scale = parts.reduce((max, p) => Math.max(max, p.scale), 0); // no spread: arrays may be large
  const total = parts.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  return toNumber(total, scale);
}

function amountArg(op: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new OperatorError(`${op}: ${JSON.stringify(value) ?? String(value)} is not a finite number`);
  }
  return value;
}

function digitsArg(op: string, value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 15) {
    throw new OperatorError(`${op}: digits must be an integer from -15 to 15`);
  }
  return value;
}

function currencyArg(op: string, value: unknown): string | null {
  if (value !== null && typeof value !== 'string') throw new OperatorError(`${op}: the currency must be an ISO 4217 code such as "USD"`);
  return value;
}

const rounding = (name: string, mode: RoundingMode, doc: string, examples: Array<[unknown, unknown]>): OperatorSpec => ({
  name, family: 'money', arity: [1, 2], doc, examples,
  ...positional((x, digits) => (x === null || x === undefined ? null : roundDecimal(amountArg(name, x), digitsArg(name, digits), mode))),
});

export const moneyOperators: OperatorSpec[] = [
  {
    name: 'money',
    family: 'money',
    arity: [1, 2],
    doc: "Rounds an amount half away from zero to the currency's minor unit (ISO 4217: JPY 0, KWD 3, most 2) on its decimal value, so 1% of 123.45 is 1.23. Without a currency, the order's currency; an unknown or null currency rounds to 2 decimals. Null gives null.",
    examples: [[{ money: [1.2345000000000002] }, 1.23], [{ money: [1.005, 'USD'] }, 1.01], [{ money: [1234.5, 'JPY'] }, 1235]],
    ...positional((amount, currency, _c, env) => {
      if (amount === null || amount === undefined) return null;
      return roundMoney(amountArg('money', amount), currency === undefined ? env.currency : currencyArg('money', currency));
    }),
  },
  {
    name: 'minorUnits',
    family: 'money',
    arity: [1, 1],
    doc: 'Decimals of the currency\'s minor unit (ISO 4217): 0 for JPY or KRW, 3 for BHD, KWD, OMR, JOD, TND, IQD, LYD, otherwise (and for null or an unknown code) 2.',
    examples: [[{ minorUnits: ['KRW'] }, 0], [{ minorUnits: ['KWD'] }, 3], [{ minorUnits: ['EUR'] }, 2]],
    ...positional((currency) => minorUnitsOf(currencyArg('minorUnits', currency ?? null))),
  },
  rounding('round', 'half-away-from-zero', 'Rounds half away from zero to the given decimals (default 0; negative rounds to tens, hundreds...), on the decimal value: 2.675 rounds to 2.68. Null gives null.',
    [[{ round: [2.675, 2] }, 2.68], [{ round: [-2.5] }, -3], [{ round: [1250, -2] }, 1300]]),
  rounding('floor', 'floor', 'Rounds down (toward negative infinity) to the given decimals (default 0), on the decimal value: 0.29 * 100 floors to 29. Null gives null.',
    [[{ floor: [28.999999999999996] }, 29], [{ floor: [1.239, 2] }, 1.23], [{ floor: [-1.5] }, -2]]),
  rounding('ceil', 'ceil', 'Rounds up (toward positive infinity) to the given decimals (default 0), on the decimal value. Null gives null.',
    [[{ ceil: [1.231, 2] }, 1.24], [{ ceil: [-1.5] }, -1], [{ ceil: [1.1 * 1.1, 2] }, 1.21]]),
];
