/** Time operators: UTC calendar arithmetic on ISO-8601 strings, null propagation, budgets. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BudgetError, OperatorError } from '../../../server/engine/types.ts';
import { formatIsoDate, formatIsoInstant, parseIso, parseIsoToMs } from '../../../server/engine/operators/time.ts';
import { call, testEnv } from './env.ts';

const DAY = 86_400_000;
// Instants between 1900 and 2200, whole milliseconds.
const instantMs = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
const dateMs = instantMs.map((ms) => Math.floor(ms / DAY) * DAY);

describe('parsing ISO-8601', () => {
  it('reads a bare date as 00:00Z of that day', () => {
    expect(parseIso('2024-02-29')).toEqual({ ms: Date.UTC(2024, 1, 29), dateOnly: true });
  });

  it('converts an offset date-time to UTC', () => {
    expect(parseIsoToMs('2024-03-01T01:30:00+02:00')).toBe(Date.UTC(2024, 1, 29, 23, 30));
    expect(parseIsoToMs('2023-12-31T22:00-05:30')).toBe(Date.UTC(2024, 0, 1, 3, 30));
  });

  it('accepts optional seconds and fractions, truncating below the millisecond', () => {
    expect(parseIsoToMs('2024-01-01T10:20Z')).toBe(Date.UTC(2024, 0, 1, 10, 20));
    expect(parseIsoToMs('2024-01-01T10:20:30.5Z')).toBe(Date.UTC(2024, 0, 1, 10, 20, 30, 500));
    expect(parseIsoToMs('2024-01-01T10:20:30.123456Z')).toBe(Date.UTC(2024, 0, 1, 10, 20, 30, 123));
  });

  it('reads years 0000-0099 literally rather than as 1900-1999', () => {
    expect(formatIsoDate(parseIsoToMs('0050-06-15')!)).toBe('0050-06-15');
  });

  it.each([
    '2023-02-29', '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00',
    '2024-01-01T24:00:00Z', '2024-01-01T10:60Z', '2024-01-01T10:00:60Z', '2024-01-01T10:00:00',
    '2024-01-01T10:00:00+24:00', '2024-01-01 10:00:00Z', '2024-1-1', '20240101', 'today', '',
    '2024-01-01T10:00:00z', ' 2024-01-01', '2024-01-01T10:00:00.Z',
  ])('refuses %j', (text) => {
    expect(parseIso(text)).toBeNull();
  });

  it('accepts Feb 29 only in leap years (2000 yes, 1900 and 2100 no)', () => {
    expect(parseIso('2000-02-29')).not.toBeNull();
    expect(parseIso('1900-02-29')).toBeNull();
    expect(parseIso('2100-02-29')).toBeNull();
  });

  it('formats instants with milliseconds only when they are not zero', () => {
    expect(formatIsoInstant(Date.UTC(2024, 0, 1, 1, 2, 3))).toBe('2024-01-01T01:02:03Z');
    expect(formatIsoInstant(Date.UTC(2024, 0, 1, 1, 2, 3, 45))).toBe('2024-01-01T01:02:03.045Z');
  });

  it('round-trips every formatted instant', () => {
    fc.assert(fc.property(instantMs, (ms) => parseIsoToMs(formatIsoInstant(ms)) === ms));
  });
});

describe('argument errors and null', () => {
  const dateOps: Array<[string, unknown[]]> = [
    ['date', []], ['daysBetween', ['2024-01-01']], ['hoursBetween', ['2024-01-01']], ['addDays', [1]],
    ['addHours', [1]], ['addMonths', [1]], ['endOfMonth', []], ['businessDaysBetween', ['2024-01-01']],
    ['addBusinessDays', [1]], ['isBefore', ['2024-01-01']], ['isOnOrBefore', ['2024-01-01']],
  ];

  it.each(dateOps)('%s gives null for a null date', (name, rest) => {
    expect(call(name, [null, ...rest])).toBeNull();
    expect(call(name, [undefined, ...rest])).toBeNull();
  });

  it.each(dateOps)('%s refuses an invalid date string with the value in the message', (name, rest) => {
    expect(() => call(name, ['2023-02-29', ...rest])).toThrow(OperatorError);
    expect(() => call(name, ['2023-02-29', ...rest])).toThrow(`${name}: "2023-02-29" is not an ISO-8601 date or date-time`);
  });

  it.each(dateOps)('%s refuses a date of the wrong type', (name, rest) => {
    expect(() => call(name, [20240101, ...rest])).toThrow(`${name}: 20240101 is not an ISO-8601 date or date-time`);
    expect(() => call(name, [{}, ...rest])).toThrow(OperatorError);
  });

  it('gives null when the second date of a pair is null', () => {
    expect(call('daysBetween', ['2024-01-01', null])).toBeNull();
    expect(call('isBefore', ['2024-01-01', null])).toBeNull();
  });
});

describe('now and date', () => {
  it('now is the evaluation instant of the env', () => {
    expect(call('now', [])).toBe('2024-01-15T12:00:00Z');
    expect(call('now', [], testEnv({ at: '2023-11-02T09:00:00Z' }))).toBe('2023-11-02T09:00:00Z');
  });

  it('date is the UTC calendar date, after applying the offset', () => {
    expect(call('date', ['2024-01-01T23:30:00-01:00'])).toBe('2024-01-02');
    expect(call('date', ['2024-01-01T00:30:00+01:00'])).toBe('2023-12-31');
    expect(call('date', ['2024-01-01'])).toBe('2024-01-01');
  });
});

describe('daysBetween', () => {
  it('counts calendar days, not 24-hour periods', () => {
    expect(call('daysBetween', ['2024-01-01T23:59:59Z', '2024-01-02T00:00:00Z'])).toBe(1);
    expect(call('daysBetween', ['2024-01-01T00:00:00Z', '2024-01-01T23:59:59Z'])).toBe(0);
  });

  it('counts Feb 29 in a leap year', () => {
    expect(call('daysBetween', ['2024-02-28', '2024-03-01'])).toBe(2);
    expect(call('daysBetween', ['2023-02-28', '2023-03-01'])).toBe(1);
  });

  it('is negative when the second date is earlier', () => {
    expect(call('daysBetween', ['2024-01-31', '2024-01-01'])).toBe(-30);
  });

  it('gives 30 at 23:59:59 thirty days after a delivery and 31 at midnight after', () => {
    fc.assert(fc.property(instantMs, (delivered) => {
      const deliveredAt = formatIsoInstant(delivered);
      const day = Math.floor(delivered / DAY) * DAY;
      const lastSecond = formatIsoInstant(day + 30 * DAY + DAY - 1000);
      const nextMidnight = formatIsoInstant(day + 31 * DAY);
      expect(call('daysBetween', [deliveredAt, lastSecond])).toBe(30);
      expect(call('daysBetween', [deliveredAt, nextMidnight])).toBe(31);
    }));
  });

  it('round-trips with addDays', () => {
    fc.assert(fc.property(instantMs, fc.integer({ min: -20000, max: 20000 }), (ms, n) => {
      const t = formatIsoInstant(ms);
      expect(call('daysBetween', [t, call('addDays', [t, n])])).toBe(n);
      const d = formatIsoDate(ms);
      expect(call('daysBetween', [d, call('addDays', [d, n])])).toBe(n);
    }));
  });
});

describe('hoursBetween', () => {
  it('is fractional and treats a bare date as midnight UTC', () => {
    expect(call('hoursBetween', ['2024-01-01', '2024-01-01T00:30:00Z'])).toBe(0.5);
    expect(call('hoursBetween', ['2024-01-02', '2024-01-01'])).toBe(-24);
  });

  it('tells 23:59:59 from the next midnight', () => {
    expect(call('hoursBetween', ['2024-01-01T00:00:00Z', '2024-01-01T23:59:59Z'])).toBeLessThan(24);
    expect(call('hoursBetween', ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'])).toBe(24);
    expect(call('hoursBetween', ['2024-01-01T12:00:00+02:00', '2024-01-01T12:00:00Z'])).toBe(2);
  });

  it('is 48 exactly at the 48-hour boundary for any start', () => {
    fc.assert(fc.property(instantMs, (ms) => {
      const t = formatIsoInstant(ms);
      expect(call('hoursBetween', [t, formatIsoInstant(ms + 48 * 3_600_000)])).toBe(48);
      expect(call('hoursBetween', [t, formatIsoInstant(ms + 48 * 3_600_000 - 1000)]) as number).toBeLessThan(48);
    }));
  });
});

describe('addDays and addHours', () => {
  it('keeps a date a date and an instant an instant', () => {
    expect(call('addDays', ['2024-12-31', 1])).toBe('2025-01-01');
    expect(call('addDays', ['2024-03-01T00:00:00.250Z', -1])).toBe('2024-02-29T00:00:00.250Z');
    expect(call('addDays', ['2024-03-01T02:00:00+03:00', 0])).toBe('2024-02-29T23:00:00Z');
  });

  it('refuses a non-integer or non-number day count', () => {
    expect(() => call('addDays', ['2024-01-01', 1.5])).toThrow(OperatorError);
    expect(() => call('addDays', ['2024-01-01', '1'])).toThrow(OperatorError);
    expect(() => call('addDays', ['2024-01-01', null])).toThrow(OperatorError);
  });

  it('refuses results beyond the year 9999', () => {
    expect(() => call('addDays', ['9999-12-31', 1])).toThrow(OperatorError);
    expect(() => call('addDays', ['2024-01-01', 1e15])).toThrow(OperatorError);
  });

  it('addHours always gives an instant and accepts fractional hours', () => {
    expect(call('addHours', ['2024-01-01', 24])).toBe('2024-01-02T00:00:00Z');
    expect(call('addHours', ['2024-01-01T00:00:00Z', 0.25])).toBe('2024-01-01T00:15:00Z');
    expect(call('addHours', ['2024-01-01T00:00:00Z', -1])).toBe('2023-12-31T23:00:00Z');
  });

  it('addHours refuses a non-number', () => {
    expect(() => call('addHours', ['2024-01-01', '2'])).toThrow(OperatorError);
    expect(() => call('addHours', ['2024-01-01', Infinity])).toThrow(OperatorError);
  });
});

describe('addMonths', () => {
  it('clamps Jan 31 to the end of February in a leap year', () => {
    expect(call('addMonths', ['2024-01-31', 1])).toBe('2024-02-29');
  });

  it('clamps Jan 31 to Feb 28 in a common year', () => {
    expect(call('addMonths', ['2023-01-31', 1])).toBe('2023-02-28');
  });

  it('takes a leap day 12 months on to Feb 28', () => {
    expect(call('addMonths', ['2024-02-29', 12])).toBe('2025-02-28');
    expect(call('addMonths', ['2024-02-29', 48])).toBe('2028-02-29');
  });

  it('crosses years in both directions and keeps the time of day', () => {
    expect(call('addMonths', ['2024-11-30T15:45:10Z', 3])).toBe('2025-02-28T15:45:10Z');
    expect(call('addMonths', ['2024-03-31', -1])).toBe('2024-02-29');
    expect(call('addMonths', ['2024-01-15', -13])).toBe('2022-12-15');
  });

  it('refuses a non-integer month count', () => {
    expect(() => call('addMonths', ['2024-01-01', 0.5])).toThrow(OperatorError);
  });

  it('never overflows into the month after the target month', () => {
    fc.assert(fc.property(instantMs, fc.integer({ min: -1200, max: 1200 }), (ms, n) => {
      const out = call('addMonths', [formatIsoInstant(ms), n]) as string;
      const start = new Date(ms);
      const target = start.getUTCFullYear() * 12 + start.getUTCMonth() + n;
      const got = new Date(parseIsoToMs(out)!);
      expect(got.getUTCFullYear() * 12 + got.getUTCMonth()).toBe(target);
      expect(got.getUTCDate()).toBeLessThanOrEqual(start.getUTCDate());
      const timeOfDay = (t: number): number => ((t % DAY) + DAY) % DAY;
      expect(timeOfDay(got.getTime())).toBe(timeOfDay(ms));
    }));
  });
});

describe('endOfMonth', () => {
  it('is Feb 29 in 2024 and Feb 28 in 2100', () => {
    expect(call('endOfMonth', ['2024-02-01'])).toBe('2024-02-29');
    expect(call('endOfMonth', ['2100-02-15T10:00:00Z'])).toBe('2100-02-28');
    expect(call('endOfMonth', ['2000-02-15'])).toBe('2000-02-29');
  });

  it('is always the last day: the next day starts a new month', () => {
    fc.assert(fc.property(dateMs, (ms) => {
      const end = call('endOfMonth', [formatIsoDate(ms)]) as string;
      expect(end.slice(0, 7)).toBe(formatIsoDate(ms).slice(0, 7));
      expect((call('addDays', [end, 1]) as string).slice(8)).toBe('01');
    }));
  });
});

describe('businessDaysBetween', () => {
  it('counts weekdays after the first date up to and including the second', () => {
    expect(call('businessDaysBetween', ['2024-01-05', '2024-01-08'])).toBe(1); // Fri -> Mon
    expect(call('businessDaysBetween', ['2024-01-01', '2024-01-31'])).toBe(22);
    expect(call('businessDaysBetween', ['2024-01-06', '2024-01-07'])).toBe(0); // Sat -> Sun
    expect(call('businessDaysBetween', ['2024-01-08', '2024-01-08'])).toBe(0);
  });

  it('uses UTC dates of instants', () => {
    // 23:00 on Monday in New York is already Tuesday in UTC.
    expect(call('businessDaysBetween', ['2024-01-08T23:00:00-05:00', '2024-01-09'])).toBe(0);
  });

  it('skips listed holidays', () => {
    expect(call('businessDaysBetween', ['2024-12-23', '2024-12-27', ['2024-12-25', '2024-12-28']])).toBe(3);
  });

  it('is negative and symmetric when the second date is earlier', () => {
    fc.assert(fc.property(dateMs, fc.integer({ min: -400, max: 400 }), (ms, n) => {
      const a = formatIsoDate(ms), b = formatIsoDate(ms + n * DAY);
      expect(call('businessDaysBetween', [b, a])).toBe(0 - (call('businessDaysBetween', [a, b]) as number));
    }));
  });

  it('counts five business days in every full week', () => {
    fc.assert(fc.property(dateMs, fc.integer({ min: 0, max: 100 }), (ms, weeks) => {
      expect(call('businessDaysBetween', [formatIsoDate(ms), formatIsoDate(ms + weeks * 7 * DAY)])).toBe(5 * weeks);
    }));
  });

  it('refuses holidays that are not an array of dates', () => {
    expect(() => call('businessDaysBetween', ['2024-01-01', '2024-01-10', '2024-01-02'])).toThrow(OperatorError);
    expect(() => call('businessDaysBetween', ['2024-01-01', '2024-01-10', ['2024-01-02T00:00:00Z']])).toThrow(OperatorError);
    expect(() => call('businessDaysBetween', ['2024-01-01', '2024-01-10', [null]])).toThrow(OperatorError);
  });

  it('spends one step per day walked and stops with a BudgetError', () => {
    const env = testEnv({ budget: { steps: 100, maxCollection: 100 } });
    call('businessDaysBetween', ['2024-01-01', '2024-01-31'], env);
    expect(env.budget.steps).toBe(70);
    expect(() => call('businessDaysBetween', ['2024-01-01', '2024-12-31'], env)).toThrow(BudgetError);
  });

  it('refuses spans over 36,600 days', () => {
    expect(() => call('businessDaysBetween', ['1900-01-01', '2024-01-01'])).toThrow(OperatorError);
    expect(() => call('businessDaysBetween', ['2024-01-01', '1900-01-01'])).toThrow(OperatorError);
  });
});

describe('addBusinessDays', () => {
  it('skips weekends and holidays', () => {
    expect(call('addBusinessDays', ['2024-01-05', 1])).toBe('2024-01-08');
    expect(call('addBusinessDays', ['2024-01-05', 5])).toBe('2024-01-12');
    expect(call('addBusinessDays', ['2024-12-24T20:00:00Z', 2, ['2024-12-25', '2024-12-26']])).toBe('2024-12-30');
  });

  it('with n = 0 gives the date itself on a business day, else the next business day', () => {
    expect(call('addBusinessDays', ['2024-01-08T10:00:00Z', 0])).toBe('2024-01-08');
    expect(call('addBusinessDays', ['2024-01-06', 0])).toBe('2024-01-08');
    expect(call('addBusinessDays', ['2024-12-25', 0, ['2024-12-25']])).toBe('2024-12-26');
  });

  it('refuses a negative or fractional n', () => {
    expect(() => call('addBusinessDays', ['2024-01-01', -1])).toThrow(OperatorError);
    expect(() => call('addBusinessDays', ['2024-01-01', 1.5])).toThrow(OperatorError);
    expect(() => call('addBusinessDays', ['2024-01-01', 40000])).toThrow(OperatorError);
  });

  it('agrees with businessDaysBetween', () => {
    fc.assert(fc.property(dateMs, fc.integer({ min: 1, max: 300 }), (ms, n) => {
      const start = formatIsoDate(ms);
      const end = call('addBusinessDays', [start, n]) as string;
      expect(call('businessDaysBetween', [start, end])).toBe(n);
      expect(call('businessDaysBetween', [start, call('addDays', [end, -1])])).toBe(n - 1);
    }));
  });

  it('spends the budget per day walked', () => {
    const env = testEnv({ budget: { steps: 3, maxCollection: 100 } });
    expect(call('addBusinessDays', ['2024-01-05', 1], env)).toBe('2024-01-08'); // Sat, Sun, Mon
    expect(env.budget.steps).toBe(0);
    expect(() => call('addBusinessDays', ['2024-01-05', 1], env)).toThrow(BudgetError);
  });
});

describe('isBefore and isOnOrBefore', () => {
  it('compare instants, a bare date being midnight UTC', () => {
    expect(call('isBefore', ['2024-01-01T23:59:59Z', '2024-01-02'])).toBe(true);
    expect(call('isBefore', ['2024-01-02', '2024-01-02T00:00:00Z'])).toBe(false);
    expect(call('isOnOrBefore', ['2024-01-02', '2024-01-02T00:00:00Z'])).toBe(true);
    expect(call('isOnOrBefore', ['2024-01-02T01:00:00+02:00', '2024-01-01T23:00:00Z'])).toBe(true);
    expect(call('isOnOrBefore', ['2024-01-02T00:00:00.001Z', '2024-01-02'])).toBe(false);
  });
});
