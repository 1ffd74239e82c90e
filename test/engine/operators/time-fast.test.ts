/**
 * The fast paths of the time operators give exactly what the definitions give: parseIso (by
 * character codes for the common shapes) against the regular-expression parser, and the
 * arithmetic formatting of dates and instants against formatting through Date.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIsoDate, formatIsoInstant, parseIso, parseIsoSlow, sureUtcDate, writtenUtcDate } from '../../../server/engine/operators/time.ts';
import { call, testEnv } from './env.ts';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
/** The formatting through Date that the fast paths replace. */
const refDate = (ms: number): string => {
  const t = new Date(ms);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
};
const refInstant = (ms: number): string => {
  const t = new Date(ms);
  const frac = t.getUTCMilliseconds() === 0 ? '' : `.${pad(t.getUTCMilliseconds(), 3)}`;
  return `${refDate(ms)}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${frac}Z`;
};

const alphabet = ['0', '1', '2', '3', '5', '9', '-', ':', '.', 'T', 't', 'Z', 'z', '+', ' ', 'x', '6', '4'];
const shaped = fc.record({
  y: fc.integer({ min: 0, max: 9999 }),
  mo: fc.integer({ min: 0, max: 13 }),
  d: fc.integer({ min: 0, max: 32 }),
  h: fc.integer({ min: 0, max: 25 }),
  mi: fc.integer({ min: 0, max: 61 }),
  s: fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 61 }).map((s) => `:${pad(s)}`)),
  frac: fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.[0-9]{1,11}$/)),
  zone: fc.oneof(fc.constantFrom('Z', 'z', '', '+', 'ZZ'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(':', '')).map(([sg, zh, zm, c]) => `${sg}${pad(zh)}${c}${pad(zm)}`)),
  dateOnly: fc.boolean(),
}).map((v) => (v.dateOnly ? `${pad(v.y, 4)}-${pad(v.mo)}-${pad(v.d)}` : `${pad(v.y, 4)}-${pad(v.mo)}-${pad(v.d)}T${pad(v.h)}:${pad(v.mi)}${v.s}${v.frac}${v.zone}`));
const mutated = fc.tuple(shaped, fc.nat(), fc.constantFrom(...alphabet), fc.constantFrom('replace', 'insert', 'remove')).map(([s, i, c, how]) => {
  const at = i % (s.length + 1);
  if (how === 'replace') return s.slice(0, at) + c + s.slice(at + 1);
  if (how === 'insert') return s.slice(0, at) + c + s.slice(at);
  return s.slice(0, at) + s.slice(at + 1);
});

const same = (s: string): boolean => JSON.stringify(parseIso(s)) === JSON.stringify(parseIsoSlow(s));

describe('parseIso fast path', () => {
  it('agrees with the regular-expression parser on shaped values, near misses and random text', () => {
    fc.assert(fc.property(shaped, same), { numRuns: 50_000 });
    fc.assert(fc.property(mutated, same), { numRuns: 50_000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 30 }), same), { numRuns: 20_000 });
  });
  it.each(['0000-01-01', '0000-01-01T00:00:00+23:59', '9999-12-31T23:59:59.999999999-23:59', '2024-02-29T12:00:00.1Z', '1600-02-29', '1700-02-29', '2024-01-31T10:00:00.1234567890Z'])('agrees on %s', (s) => {
    expect(parseIso(s)).toEqual(parseIsoSlow(s));
  });
});

describe('the date operator\'s written-date fast path', () => {
  /** Where writtenUtcDate answers, it is formatIsoDate of the parsed instant; the operator gives formatIsoDate's answer. */
  const agrees = (s: string): boolean => {
    const parsed = parseIso(s);
    if (parsed === null) return true;
    const fast = writtenUtcDate(s, parsed);
    return (fast === undefined || fast === formatIsoDate(parsed.ms)) && call('date', [s]) === formatIsoDate(parsed.ms);
  };
  it('agrees with formatting the parsed instant on shaped values, near misses and random text', () => {
    let answered = 0;
    fc.assert(fc.property(shaped, (s) => {
      const parsed = parseIso(s);
      if (parsed && writtenUtcDate(s, parsed) !== undefined) answered++;
      return agrees(s);
    }), { numRuns: 50_000 });
    expect(answered).toBeGreaterThan(1000);
    fc.assert(fc.property(mutated, agrees), { numRuns: 50_000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 30 }), agrees), { numRuns: 20_000 });
  });
  it.each(['0999-12-31', '0999-12-31T23:59:59Z', '1000-01-01', '1000-01-01T00:00:00Z', '2024-02-29T23:59:59.999999Z', '2024-03-01T00:30:00+01:00', '2024-02-29T23:30:00-01:00', '2024-01-31T10:00:00+00:00', '9999-12-31T23:59:59.999Z'])('agrees on %s', (s) => {
    expect(agrees(s)).toBe(true);
  });
});

describe('the date operator\'s shape test (sureUtcDate)', () => {
  /** Where the shape test answers, the string parses (the regular-expression parser) and its date is formatIsoDate of the instant. */
  const agrees = (s: string): boolean => {
    const sure = sureUtcDate(s);
    if (sure === undefined) return true;
    const parsed = parseIsoSlow(s);
    return parsed !== null && sure === formatIsoDate(parsed.ms) && call('date', [s]) === sure;
  };
  it('agrees with the definition on shaped values, near misses and random text', () => {
    let answered = 0;
    fc.assert(fc.property(shaped, (s) => {
      if (sureUtcDate(s) !== undefined) answered++;
      return agrees(s);
    }), { numRuns: 50_000 });
    expect(answered).toBeGreaterThan(1000);
    fc.assert(fc.property(mutated, agrees), { numRuns: 50_000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 30 }), agrees), { numRuns: 20_000 });
  });
  it.each(['1000-01-28', '0999-01-01', '1000-01-01T00:00Z', '9999-12-28T23:59:59.999999999Z', '2024-01-28T24:00Z', '2024-01-28T10:00Z', '2024-01-28\n', '2024-01-28T10:00:00Z\n',
    '2024-01-28T10:00:00.1234567890Z', '2024-01-28T10:00:60Z', '2024-02-29', '2024-01-28T10:00:00+00:00', '2024-01-28T10:00:00.Z'])('agrees on %j', (s) => {
    expect(agrees(s)).toBe(true);
  });
});

describe('the evaluation instant parsed once per evaluation (timeOrNow)', () => {
  /** What an operator answers (or the message it throws). */
  const outcome = (op: string, args: unknown[], env: ReturnType<typeof testEnv>): unknown => {
    try {
      return call(op, args, env);
    } catch (err) {
      return `throws ${(err as Error).message}`;
    }
  };
  it('answers as parsing every argument does, with env.at equal to an argument, changed between calls, or invalid', () => {
    const text = fc.oneof(shaped, mutated, fc.constant(null));
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('daysBetween', 'hoursBetween', 'isBefore', 'isOnOrBefore'), text, text, fc.nat(3)), { minLength: 1, maxLength: 8 }), (calls) => {
      const shared = testEnv();
      for (const [op, x, y, pick] of calls) {
        // The shared env's instant: one of the arguments (as `now` is), or a string of its own; it may change between calls.
        shared.at = pick === 0 && typeof x === 'string' ? x : pick === 1 && typeof y === 'string' ? y : pick === 2 ? shared.at : '2024-01-15T12:00:00Z';
        // A fresh env whose instant is no argument: every argument is parsed.
        const want = outcome(op, [x, y], testEnv({ at: 'not an argument' }));
        expect(outcome(op, [x, y], shared)).toEqual(want);
      }
    }), { numRuns: 20_000 });
  });
});

describe('date formatting fast path', () => {
  const DAY = 86_400_000;
  it('agrees with Date over the whole range, at day boundaries and beyond it', () => {
    const ms = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: Date.UTC(-1, 0, 1), max: Date.UTC(10001, 0, 1) }),
      fc.tuple(fc.integer({ min: -5_000_000, max: 5_000_000 }), fc.constantFrom(0, -1, 1, DAY - 1)).map(([d, r]) => d * DAY + r),
      fc.double({ min: -1e16, max: 1e16, noNaN: true }),
    );
    fc.assert(fc.property(ms, (x) => formatIsoDate(x) === refDate(x) && formatIsoInstant(x) === refInstant(x)), { numRuns: 100_000 });
  });
  it.each([0, -1, 1, Date.UTC(999, 11, 31, 23, 59, 59, 999), Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), 8.64e15, 8.64e15 + 1, -0.5, 1.5])('agrees at %s', (x) => {
    expect(formatIsoDate(x)).toBe(refDate(x));
    expect(formatIsoInstant(x)).toBe(refInstant(x));
  });
  it('keeps the year check of results', () => {
    expect(() => call('addDays', ['9999-12-31', 1])).toThrow('addDays: the result is outside the years 0000-9999');
    expect(call('addDays', ['1000-01-01', -1])).toBe('0999-12-31');
    expect(call('addHours', ['0000-01-01T00:30:00Z', -0.25])).toBe('0000-01-01T00:15:00Z');
  });
});
