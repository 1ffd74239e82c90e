/**
 * Money and decimal rounding. Amounts are JavaScript numbers in the currency's major unit, so
 * rounding works on decimal digits (BigInt), never on the binary value: 0.01 * 123.45 is
 * 1.2345000000000002 in floating point and must round to 1.23, and 1.005 (stored as
 * 1.00499999999999989...) must round to 1.01, as a person with a calculator would get.
 */
import type { OperatorSpec } from '../types.ts';
import { OperatorError } from '../types.ts';

// ISO 4217 minor units that differ from the usual 2.
const ZERO_DECIMALS = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'XPF', 'PYG', 'RWF', 'KMF', 'GNF', 'DJF', 'BIF', 'VUV']);
const THREE_DECIMALS = new Set(['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'IQD', 'LYD']);

/** Decimals of a currency's minor unit (ISO 4217): minorUnitsOf("JPY") = 0, ("KWD") = 3; unknown or null = 2. */
export function minorUnitsOf(currency: string | null | undefined): number {
  const code = typeof currency === 'string' ? currency.toUpperCase() : '';
  return ZERO_DECIMALS.has(code) ? 0 : THREE_DECIMALS.has(code) ? 3 : 2;
}

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
  fn: ([x, digits]) => (x === null || x === undefined ? null : roundDecimal(amountArg(name, x), digitsArg(name, digits), mode)),
});

export const moneyOperators: OperatorSpec[] = [
  {
    name: 'money',
    family: 'money',
    arity: [1, 2],
    doc: "Rounds an amount half away from zero to the currency's minor unit (ISO 4217: JPY 0, KWD 3, most 2) on its decimal value, so 1% of 123.45 is 1.23. Without a currency, the order's currency; an unknown or null currency rounds to 2 decimals. Null gives null.",
    examples: [[{ money: [1.2345000000000002] }, 1.23], [{ money: [1.005, 'USD'] }, 1.01], [{ money: [1234.5, 'JPY'] }, 1235]],
    fn: ([amount, currency], env) => {
      if (amount === null || amount === undefined) return null;
      return roundMoney(amountArg('money', amount), currency === undefined ? env.currency : currencyArg('money', currency));
    },
  },
  {
    name: 'minorUnits',
    family: 'money',
    arity: [1, 1],
    doc: 'Decimals of the currency\'s minor unit (ISO 4217): 0 for JPY or KRW, 3 for BHD, KWD, OMR, JOD, TND, IQD, LYD, otherwise (and for null or an unknown code) 2.',
    examples: [[{ minorUnits: ['KRW'] }, 0], [{ minorUnits: ['KWD'] }, 3], [{ minorUnits: ['EUR'] }, 2]],
    fn: ([currency]) => minorUnitsOf(currencyArg('minorUnits', currency ?? null)),
  },
  rounding('round', 'half-away-from-zero', 'Rounds half away from zero to the given decimals (default 0; negative rounds to tens, hundreds...), on the decimal value: 2.675 rounds to 2.68. Null gives null.',
    [[{ round: [2.675, 2] }, 2.68], [{ round: [-2.5] }, -3], [{ round: [1250, -2] }, 1300]]),
  rounding('floor', 'floor', 'Rounds down (toward negative infinity) to the given decimals (default 0), on the decimal value: 0.29 * 100 floors to 29. Null gives null.',
    [[{ floor: [28.999999999999996] }, 29], [{ floor: [1.239, 2] }, 1.23], [{ floor: [-1.5] }, -2]]),
  rounding('ceil', 'ceil', 'Rounds up (toward positive infinity) to the given decimals (default 0), on the decimal value. Null gives null.',
    [[{ ceil: [1.231, 2] }, 1.24], [{ ceil: [-1.5] }, -1], [{ ceil: [1.1 * 1.1, 2] }, 1.21]]),
];
