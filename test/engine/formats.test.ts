/**
 * The fast "date" and "date-time" checks (server/engine/formats.ts) give exactly the answer of
 * ajv-formats' own functions, on well-formed values, on every near miss and on random text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fastDate, fastDateTime } from '../../server/engine/formats.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020());
const formats = (ajv as unknown as { formats: Record<string, { validate: (s: string) => boolean }> }).formats;
const originalDate = formats.date!.validate;
const originalDateTime = formats['date-time']!.validate;
const date = fastDate(originalDate);
const dateTime = fastDateTime(originalDateTime);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const alphabet = ['0', '1', '2', '3', '5', '9', '-', ':', '.', 'T', 't', 'Z', 'z', '+', ' ', '\u00a0', 'x', '6', '4'];

/** Well-formed-looking values with every field over and just past its range. */
const shaped = fc.record({
  y: fc.integer({ min: 0, max: 9999 }),
  mo: fc.integer({ min: 0, max: 13 }),
  d: fc.integer({ min: 0, max: 32 }),
  h: fc.integer({ min: 0, max: 25 }),
  mi: fc.integer({ min: 0, max: 61 }),
  s: fc.integer({ min: 0, max: 61 }),
  frac: fc.oneof(fc.constant(''), fc.constant('.'), fc.integer({ min: 0, max: 999999 }).map((f) => `.${f}`)),
  sep: fc.constantFrom('T', 't', ' ', 'x'),
  zone: fc.oneof(fc.constantFrom('Z', 'z', '', '+', 'ZZ'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(':', '')).map(([sg, zh, zm, c]) => `${sg}${pad(zh)}${c}${pad(zm)}`)),
});
const asDateTime = (v: { y: number; mo: number; d: number; h: number; mi: number; s: number; frac: string; sep: string; zone: string }) =>
  `${pad(v.y, 4)}-${pad(v.mo)}-${pad(v.d)}${v.sep}${pad(v.h)}:${pad(v.mi)}:${pad(v.s)}${v.frac}${v.zone}`;

/** A string with one character replaced, inserted or removed. */
const mutated = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.nat(), fc.constantFrom(...alphabet), fc.constantFrom('replace', 'insert', 'remove')).map(([s, i, c, how]) => {
    const at = i % (s.length + 1);
    if (how === 'replace') return s.slice(0, at) + c + s.slice(at + 1);
    if (how === 'insert') return s.slice(0, at) + c + s.slice(at);
    return s.slice(0, at) + s.slice(at + 1);
  });

describe('fast date-time format', () => {
  it('agrees with ajv-formats on shaped values', () => {
    fc.assert(fc.property(shaped, (v) => dateTime(asDateTime(v)) === originalDateTime(asDateTime(v))), { numRuns: 50_000 });
  });
  it('agrees with ajv-formats on near misses and random text', () => {
    fc.assert(fc.property(mutated(shaped.map(asDateTime)), (s) => dateTime(s) === originalDateTime(s)), { numRuns: 50_000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 30 }), (s) => dateTime(s) === originalDateTime(s)), { numRuns: 20_000 });
  });
  it.each(['2024-01-31T10:00:00Z', '2024-02-29T23:59:59.999+14:00', '2023-02-29T10:00:00Z', '2016-12-31T23:59:60Z', '2024-01-31t10:00:00z', '2024-01-31 10:00:00Z',
    '2024-01-31T10:00:00', '2024-01-31T10:00:00+0200', '2024-01-31T10:00:00+02', '2024-01-31T24:00:00Z', '2024-01-31T10:00:00.Z', '0000-02-29T00:00:00Z', '2100-02-29T00:00:00Z',
    // The edges of the regular expression tried first (days 01-28, hours to 23, zones to 23:59) and a trailing newline, which $ must not take.
    '2024-02-28T23:59:59Z', '0000-12-28T00:00:00.000000001-23:59', '2024-01-28T10:00:00+24:00', '2024-01-28T10:00:00+23:60', '2024-01-28T10:00:00Z\n', '2024-01-28\n'])(
    'agrees on %s', (s) => {
      expect(dateTime(s)).toBe(originalDateTime(s));
    });
});

describe('fast date format', () => {
  it('agrees with ajv-formats on shaped values, near misses and random text', () => {
    const asDate = (v: { y: number; mo: number; d: number }) => `${pad(v.y, 4)}-${pad(v.mo)}-${pad(v.d)}`;
    fc.assert(fc.property(shaped, (v) => date(asDate(v)) === originalDate(asDate(v))), { numRuns: 50_000 });
    fc.assert(fc.property(mutated(shaped.map(asDate)), (s) => date(s) === originalDate(s)), { numRuns: 50_000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 12 }), (s) => date(s) === originalDate(s)), { numRuns: 20_000 });
  });
});

describe('fast paths', () => {
  const never = (): boolean => {
    throw new Error('the fast path should have answered');
  };
  it.each(['2024-01-31T10:00:00Z', '2024-01-31T10:00:00.123456Z', '2024-01-31T10:00:00-05:30', '2024-02-29T00:00:00.5+01:00'])('answers %s without ajv-formats', (s) => {
    expect(fastDateTime(never)(s)).toBe(true);
  });
  it('answers a plain date without ajv-formats', () => {
    expect(fastDate(never)('2024-02-29')).toBe(true);
    expect(fastDate(never)('2024-02-28')).toBe(true);
  });
  it.each(['2024-01-28\n', '2024-01-28T10:00:00Z\n'])('takes no trailing newline: %j', (s) => {
    expect(date(s)).toBe(originalDate(s));
    expect(dateTime(s)).toBe(originalDateTime(s));
  });
});
