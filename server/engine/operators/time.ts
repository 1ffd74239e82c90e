/**
 * Calendar and time operators on ISO-8601 strings, always in UTC. Return windows, refund times
 * and due dates are counted in whole UTC calendar days or exact instants, never in a local time
 * zone, so the same document answers the same in the browser and on the server and replays
 * exactly for a given `at`. A null date argument gives null, so an optional timestamp
 * (deliveredAt before delivery) never crashes a rule: policies test for null instead.
 * Pure: only string parsing and Date.UTC arithmetic, no clock, no Intl.
 */
import type { Env, OperatorSpec, PositionalFn } from '../types.ts';
import { BudgetError, OperatorError, positional } from '../types.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Longest span (about a century) the business-day operators walk day by day. */
export const MAX_BUSINESS_SPAN_DAYS = 36_600;

/** A parsed date argument: the UTC instant, and whether it was written as a bare date. */
export interface IsoTime {
  ms: number;
  dateOnly: boolean;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Fractions beyond milliseconds (databases often write microseconds) are accepted and truncated.
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Date.UTC reads years 0–99 as 1900–1999; going 400 years (one Gregorian cycle, 146,097 days) up and back avoids that. */
function utc(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return Date.UTC(year + 400, month - 1, day, h, mi, s, ms) - 146_097 * DAY_MS;
}

/** Parses "YYYY-MM-DD" (00:00Z of that day) or "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)"; null when invalid. */
export function parseIso(text: string): IsoTime | null {
  return parseIsoFast(text) ?? parseIsoSlow(text);
}

/** The regular-expression parser: the definition parseIso follows for every string. */
export function parseIsoSlow(text: string): IsoTime | null {
  const d = DATE_RE.exec(text);
  const m = d ?? INSTANT_RE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (d) return { ms: utc(year, month, day), dateOnly: true };
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  const fraction = Number(((m[7] ?? '') + '000').slice(0, 3));
  const zone = m[8] ?? 'Z';
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (zh > 23 || zm > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  return { ms: utc(year, month, day, h, mi, s, fraction) - offsetMinutes * 60_000, dateOnly: false };
}

/** Value of the two ASCII digits at i and i + 1, or -1 when either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's days_from_civil). From
 * year 1 on every quotient is of non-negative integers below 2^31, so `(a / b) | 0` is its floor
 * (a division V8 does in integers); year 0's January and February take Math.floor.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  if (y >= 0) {
    const era = (y / 400) | 0;
    const yoe = y - era * 400;
    const doy = (((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) | 0) + day - 1;
    return era * 146_097 + yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy - 719_468;
  }
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * The common shapes ("2024-01-31", "2024-01-31T10:00:00Z", "...T10:00:00.123+02:00") read by
 * character codes, about ten times faster than the regular expressions; undefined for anything
 * else, valid or not (parseIsoSlow decides those). Gives exactly what parseIsoSlow gives
 * (test/engine/operators/time-fast.test.ts compares them).
 */
function parseIsoFast(t: string): IsoTime | null | undefined {
  const n = t.length;
  if (n !== 10 && n < 20) return undefined;
  const y1 = two(t, 0), y2 = two(t, 2), month = two(t, 5), day = two(t, 8);
  if (y1 < 0 || y2 < 0 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || month < 1 || month > 12 || day < 1) return undefined;
  const year = y1 * 100 + y2;
  if (day > daysInMonth(year, month)) return undefined;
  const days = daysFromCivil(year, month, day);
  if (n === 10) return { ms: days * DAY_MS, dateOnly: true };
  if (t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return undefined;
  const h = two(t, 11), mi = two(t, 14), sec = two(t, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let i = 19;
  let fraction = 0;
  if (t.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && i - start < 10) {
      const c = t.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 3) fraction += c * (i - start === 0 ? 100 : i - start === 1 ? 10 : 1);
      i++;
    }
    if (i === start || i - start > 9) return undefined;
  }
  let offsetMinutes = 0;
  if (i === n - 1) {
    if (t.charCodeAt(i) !== 90) return undefined;
  } else {
    if (i !== n - 6 || t.charCodeAt(i + 3) !== 58) return undefined;
    const sign = t.charCodeAt(i);
    const zh = two(t, i + 1), zm = two(t, i + 4);
    if ((sign !== 43 && sign !== 45) || zh < 0 || zh > 23 || zm < 0 || zm > 59) return undefined;
    offsetMinutes = (sign === 45 ? -1 : 1) * (zh * 60 + zm);
  }
  return { ms: days * DAY_MS + h * HOUR_MS + mi * 60_000 + sec * 1000 + fraction - offsetMinutes * 60_000, dateOnly: false };
}

/** Milliseconds since the epoch of an ISO-8601 date or date-time, or null when it is not one. */
export function parseIsoToMs(text: string): number | null {
  return parseIso(text)?.ms ?? null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "00" to "99": two-digit fields without padStart. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * The UTC calendar date of whole day `days` since 1970-01-01 (H. Hinnant's civil_from_days), for
 * the days of the years 1000-9999 (fastIsoDate's range): every quotient is then of non-negative
 * integers below 2^31, so `(a / b) | 0` is its floor.
 */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = (z / 146_097) | 0;
  const doe = z - era * 146_097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - (((153 * mp + 2) / 5) | 0) + 1 };
}

/** Day numbers of 1000-01-01 and 9999-12-31. */
const FIRST_FAST_DAY = -354_285;
const LAST_FAST_DAY = 2_932_896;
/** "YYYY-" by year - 1000 and "MM-DD" by month * 32 + day, made when first needed: a date is two pieces joined. */
const YEAR_TEXT: string[] = [];
const MONTH_DAY_TEXT: string[] = [];

/** "YYYY-MM-DD" by arithmetic for whole-millisecond instants in the years 1000-9999, else null. */
function fastIsoDate(ms: number): string | null {
  if (!Number.isInteger(ms)) return null;
  const days = Math.floor(ms / DAY_MS);
  if (days < FIRST_FAST_DAY || days > LAST_FAST_DAY) return null;
  const { year, month, day } = civilFromDays(days);
  return (YEAR_TEXT[year - 1000] ??= `${year}-`) + (MONTH_DAY_TEXT[month * 32 + day] ??= `${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`);
}

/** "YYYY-MM-DD" of the UTC day holding the instant. */
export function formatIsoDate(ms: number): string {
  const fast = fastIsoDate(ms);
  if (fast !== null) return fast;
  const t = new Date(ms);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** "YYYY-MM-DDTHH:MM:SSZ", with ".fff" only when the milliseconds are not zero. */
export function formatIsoInstant(ms: number): string {
  const date = fastIsoDate(ms);
  if (date !== null) {
    const inDay = ms - Math.floor(ms / DAY_MS) * DAY_MS;
    const milli = inDay % 1000;
    const secs = (inDay - milli) / 1000;
    const frac = milli === 0 ? '' : `.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}`;
    return `${date}T${TWO_DIGITS[Math.floor(secs / 3600)]}:${TWO_DIGITS[Math.floor(secs / 60) % 60]}:${TWO_DIGITS[secs % 60]}${frac}Z`;
  }
  const t = new Date(ms);
  const frac = t.getUTCMilliseconds() === 0 ? '' : `.${pad(t.getUTCMilliseconds(), 3)}`;
  return `${formatIsoDate(ms)}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${frac}Z`;
}

/**
 * formatIsoDate(parsed.ms) for a string parseIso accepted, without the arithmetic where the
 * answer is written at its start: a bare date of the years 1000-9999 is its own UTC date, and
 * an instant written in UTC ("...Z": offset zero, a time of day under 24 hours) falls on the
 * date it begins with. Undefined otherwise (other offsets, years before 1000: formatted).
 * test/engine/operators/time-fast.test.ts compares it with formatIsoDate.
 */
export function writtenUtcDate(text: string, parsed: IsoTime): string | undefined {
  // Accepted strings begin with "YYYY-MM-DD" (both parsers); a first digit 0 is a year before 1000.
  if (text.charCodeAt(0) === 48) return undefined;
  if (parsed.dateOnly) return text; // exactly "YYYY-MM-DD"
  return text.charCodeAt(text.length - 1) === 90 ? text.slice(0, 10) : undefined;
}

/**
 * Dates and UTC instants whose `date` is the date they begin with, whatever else they hold: years
 * 1000-9999, months 01-12 and days 01-28 (in every month of every year), a valid time of day
 * written with Z. Every such string parses (both parsers) and writtenUtcDate answers it, with
 * the text itself or its first ten characters. V8 tests this shape in less than half the time
 * parseIsoFast takes; other strings are parsed. test/engine/operators/time-fast.test.ts pins it.
 */
const SURE_UTC_DATE = /^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?Z)?$/;

/** The `date` of a string SURE_UTC_DATE matches, else undefined: the answer of parsing it and writtenUtcDate. */
export function sureUtcDate(text: string): string | undefined {
  if (!SURE_UTC_DATE.test(text)) return undefined;
  return text.length === 10 ? text : text.slice(0, 10);
}

/** Whole days since 1970-01-01 of the UTC date holding the instant. */
export const dayNumber = (ms: number): number => Math.floor(ms / DAY_MS);

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A date argument: null stays null (propagated by the caller); anything else must parse. */
function timeArg(op: string, value: unknown): IsoTime | null {
  if (value === null || value === undefined) return null;
  const t = typeof value === 'string' ? parseIso(value) : null;
  if (!t) throw new OperatorError(`${op}: ${show(value)} is not an ISO-8601 date or date-time`);
  return t;
}

/**
 * timeArg for an argument that may be the evaluation instant (`now`, env.at): its parse is kept
 * on env for the rest of the evaluation, next to the text it was made from, so a policy comparing
 * several dates with now parses it once. Any other value is timeArg's.
 */
function timeOrNow(op: string, value: unknown, env: Env): IsoTime | null {
  if (value !== env.at) return timeArg(op, value);
  const kept = env.atTime;
  if (kept !== undefined && kept.text === value) return kept.time;
  const time = timeArg(op, value);
  env.atTime = { text: value, time };
  return time;
}

function intArg(op: string, value: unknown, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new OperatorError(`${op}: ${show(value)} is not ${min === 0 ? 'a non-negative' : 'an'} integer`);
  }
  return value;
}

/** Formats a result in the input's kind; years past 9999 would not parse back, so they are refused. */
function result(op: string, ms: number, dateOnly: boolean): string {
  const fast = fastIsoDate(ms);
  if (fast !== null) return dateOnly ? fast : formatIsoInstant(ms);
  const year = new Date(ms).getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new OperatorError(`${op}: the result is outside the years 0000-9999`);
  return dateOnly ? formatIsoDate(ms) : formatIsoInstant(ms);
}

function holidayDays(op: string, value: unknown): Set<number> {
  if (value === null || value === undefined) return new Set();
  if (!Array.isArray(value)) throw new OperatorError(`${op}: holidays must be an array of "YYYY-MM-DD" dates`);
  return new Set(value.map((h: unknown) => {
    const t = typeof h === 'string' ? parseIso(h) : null;
    if (!t?.dateOnly) throw new OperatorError(`${op}: holiday ${show(h)} is not a "YYYY-MM-DD" date`);
    return dayNumber(t.ms);
  }));
}

/** Monday to Friday and not a holiday. Day 0 (1970-01-01) was a Thursday. */
function isBusinessDay(day: number, holidays: Set<number>): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday !== 0 && weekday !== 6 && !holidays.has(day);
}

function spendStep(op: string, env: Env): void {
  if (--env.budget.steps < 0) throw new BudgetError(`${op}: the evaluation step budget is exhausted`);
}

const spec = (name: string, arity: [number, number], doc: string, examples: Array<[unknown, unknown]>, call: PositionalFn): OperatorSpec =>
  ({ name, family: 'time', arity, doc, examples, ...positional(call) });

export const timeOperators: OperatorSpec[] = [
  spec('now', [0, 0], 'The evaluation instant `at` (ISO-8601 UTC), fixed for the whole evaluation so decisions replay exactly.',
    [[{ now: [] }, '2024-01-15T12:00:00Z']], (_a, _b, _c, env) => env.at),

  spec('date', [1, 1], 'The UTC calendar date "YYYY-MM-DD" of a date or date-time (offsets are converted to UTC first). Null gives null.',
    [[{ date: ['2024-03-01T01:30:00+02:00'] }, '2024-02-29'], [{ date: ['2024-03-01'] }, '2024-03-01']],
    (t) => {
      if (typeof t === 'string') {
        const sure = sureUtcDate(t);
        if (sure !== undefined) return sure;
      }
      const a = timeArg('date', t);
      return a && (writtenUtcDate(t as string, a) ?? formatIsoDate(a.ms));
    }),

  spec('daysBetween', [2, 2], 'Whole calendar days from the UTC date of the first argument to the UTC date of the second (negative when the second is earlier); the time of day does not count. Null gives null.',
    [[{ daysBetween: ['2024-01-01T23:59:59Z', '2024-01-02T00:00:00Z'] }, 1], [{ daysBetween: ['2024-02-28', '2024-03-01'] }, 2]],
    (x, y, _c, env) => {
      const a = timeOrNow('daysBetween', x, env), b = timeOrNow('daysBetween', y, env);
      return a && b && dayNumber(b.ms) - dayNumber(a.ms);
    }),

  spec('hoursBetween', [2, 2], 'Hours from the first instant to the second, fractional (a bare date means 00:00Z). Null gives null.',
    [[{ hoursBetween: ['2024-01-01', '2024-01-02T06:30:00Z'] }, 30.5]],
    (x, y, _c, env) => {
      const a = timeOrNow('hoursBetween', x, env), b = timeOrNow('hoursBetween', y, env);
      return a && b && (b.ms - a.ms) / HOUR_MS;
    }),

  spec('addDays', [2, 2], 'Adds a whole number of days (negative subtracts). A date gives a date, a date-time gives a UTC date-time. Null gives null.',
    [[{ addDays: ['2024-02-28', 2] }, '2024-03-01'], [{ addDays: ['2024-01-31T10:00:00+01:00', 30] }, '2024-03-01T09:00:00Z']],
    (t, n) => {
      const a = timeArg('addDays', t), days = intArg('addDays', n);
      return a && result('addDays', a.ms + days * DAY_MS, a.dateOnly);
    }),

  spec('addHours', [2, 2], 'Adds hours (may be fractional, rounded to the millisecond; negative subtracts) and gives a UTC date-time. Null gives null.',
    [[{ addHours: ['2024-01-01', 48] }, '2024-01-03T00:00:00Z'], [{ addHours: ['2024-01-01T23:00:00Z', 1.5] }, '2024-01-02T00:30:00Z']],
    (t, n) => {
      const a = timeArg('addHours', t);
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new OperatorError(`addHours: ${show(n)} is not a number of hours`);
      return a && result('addHours', a.ms + Math.round(n * HOUR_MS), false);
    }),

  spec('addMonths', [2, 2], 'Same day of the month n months later (negative: earlier), clamped to the last day of the target month; the time of day is kept. Null gives null.',
    [[{ addMonths: ['2024-01-31', 1] }, '2024-02-29'], [{ addMonths: ['2023-01-31', 1] }, '2023-02-28'], [{ addMonths: ['2024-02-29T08:00:00Z', 12] }, '2025-02-28T08:00:00Z']],
    (t, n) => {
      const a = timeArg('addMonths', t), months = intArg('addMonths', n);
      if (!a) return null;
      const d = new Date(a.ms);
      const index = d.getUTCFullYear() * 12 + d.getUTCMonth() + months; // months since year 0, 0-based
      const year = Math.floor(index / 12), month = index - year * 12 + 1;
      const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
      const timeOfDay = a.ms - dayNumber(a.ms) * DAY_MS;
      return result('addMonths', utc(year, month, day) + timeOfDay, a.dateOnly);
    }),

  spec('endOfMonth', [1, 1], 'The date "YYYY-MM-DD" of the last day of the UTC month holding the argument. Null gives null.',
    [[{ endOfMonth: ['2024-02-10T12:00:00Z'] }, '2024-02-29'], [{ endOfMonth: ['2100-02-01'] }, '2100-02-28']],
    (t) => {
      const a = timeArg('endOfMonth', t);
      if (!a) return null;
      const d = new Date(a.ms);
      const [year, month] = [d.getUTCFullYear(), d.getUTCMonth() + 1];
      return formatIsoDate(utc(year, month, daysInMonth(year, month)));
    }),

  spec('businessDaysBetween', [2, 3], `Business days (Monday to Friday, not in the optional list of "YYYY-MM-DD" holidays) after the UTC date of the first argument up to and including that of the second; negative when the second is earlier. Spans over ${MAX_BUSINESS_SPAN_DAYS} days are refused. Null dates give null.`,
    [[{ businessDaysBetween: ['2024-01-05', '2024-01-08'] }, 1], [{ businessDaysBetween: ['2024-12-23', '2024-12-27', ['2024-12-25']] }, 3]],
    (x, y, hol, env) => {
      const op = 'businessDaysBetween';
      const a = timeArg(op, x), b = timeArg(op, y);
      const holidays = holidayDays(op, hol);
      if (!a || !b) return null;
      const from = dayNumber(a.ms), to = dayNumber(b.ms);
      const [lo, hi] = from <= to ? [from, to] : [to, from];
      if (hi - lo > MAX_BUSINESS_SPAN_DAYS) throw new OperatorError(`${op}: spans over ${MAX_BUSINESS_SPAN_DAYS} days are refused`);
      let count = 0;
      for (let day = lo + 1; day <= hi; day++) {
        spendStep(op, env);
        if (isBusinessDay(day, holidays)) count++;
      }
      return to < from && count > 0 ? -count : count; // no -0
    }),

  spec('addBusinessDays', [2, 3], 'The date "YYYY-MM-DD" of the n-th business day (Monday to Friday, not a listed holiday) after the UTC date of the argument; with n = 0, that date if it is a business day, else the next one. n is a non-negative integer. Null gives null.',
    [[{ addBusinessDays: ['2024-01-05T18:00:00Z', 1] }, '2024-01-08'], [{ addBusinessDays: ['2024-12-24', 2, ['2024-12-25']] }, '2024-12-27'], [{ addBusinessDays: ['2024-01-06', 0] }, '2024-01-08']],
    (t, n, hol, env) => {
      const op = 'addBusinessDays';
      const a = timeArg(op, t), wanted = intArg(op, n, 0);
      const holidays = holidayDays(op, hol);
      if (!a) return null;
      if (wanted > MAX_BUSINESS_SPAN_DAYS) throw new OperatorError(`${op}: more than ${MAX_BUSINESS_SPAN_DAYS} days are refused`);
      const start = dayNumber(a.ms);
      let day = start;
      const step = (): void => {
        if (day - start >= MAX_BUSINESS_SPAN_DAYS) throw new OperatorError(`${op}: no such business day within ${MAX_BUSINESS_SPAN_DAYS} days`);
        spendStep(op, env);
        day++;
      };
      if (wanted === 0) while (!isBusinessDay(day, holidays)) step();
      for (let left = wanted; left > 0;) {
        step();
        if (isBusinessDay(day, holidays)) left--;
      }
      return result(op, day * DAY_MS, true);
    }),

  spec('isBefore', [2, 2], 'True when the first instant is strictly before the second (a bare date means 00:00Z). Null gives null.',
    [[{ isBefore: ['2024-01-01T23:59:59Z', '2024-01-02'] }, true], [{ isBefore: ['2024-01-02', '2024-01-02T00:00:00Z'] }, false]],
    (x, y, _c, env) => {
      const a = timeOrNow('isBefore', x, env), b = timeOrNow('isBefore', y, env);
      return a && b && a.ms < b.ms;
    }),

  spec('isOnOrBefore', [2, 2], 'True when the first instant is before or equal to the second (a bare date means 00:00Z). Null gives null.',
    [[{ isOnOrBefore: ['2024-01-02', '2024-01-02T00:00:00Z'] }, true], [{ isOnOrBefore: ['2024-01-02T00:00:01Z', '2024-01-02'] }, false]],
    (x, y, _c, env) => {
      const a = timeOrNow('isOnOrBefore', x, env), b = timeOrNow('isOnOrBefore', y, env);
      return a && b && a.ms <= b.ms;
    }),
];
