/**
 * Fast paths for the JSON Schema formats "date" and "date-time" of ajv-formats (full mode).
 * ajv-formats checks a date-time by splitting it on a regular expression and running two more
 * (about 350 ns a value, most of the cost of validating an order); these scan characters
 * instead. They answer `true` only for the plain shapes they recognise and prove valid
 * ("2024-01-31", "2024-01-31T10:00:00Z", "...T10:00:00.123+02:00") and hand everything else
 * (leap seconds, lower-case or space separators, unusual offsets, invalid values) to the
 * original ajv-formats function, so the answer is always the one ajv-formats gives
 * (test/engine/formats.test.ts compares both over many strings).
 */

type FormatCheck = (value: string) => boolean;

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of the two ASCII digits at i and i + 1, or -1 when either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** True when "YYYY-MM-DD" starts at 0 and is a real calendar date (the check of ajv-formats' `date`). */
function plainDate(s: string): boolean {
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  if (y1 < 0 || y2 < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  const year = y1 * 100 + y2;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month]!);
}

/**
 * Valid dates whatever the year: months 01-12 and days 01-28 exist in every one. A regular
 * expression of V8 tests such a shape in about half the time the character scan below takes
 * (its charCodeAt calls), so it goes first; days 29-31 and everything else are scanned.
 */
const SURE_DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])$/;
/** SURE_DATE then a valid time (hours 00-23, minutes and seconds 00-59) and a valid zone: a subset of what plainDateTime accepts. */
const SURE_DATE_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** ajv-formats' "date" with a fast path for valid "YYYY-MM-DD". */
export function fastDate(original: FormatCheck): FormatCheck {
  return (s) => (s.length === 10 && (SURE_DATE.test(s) || plainDate(s))) || original(s);
}

/**
 * ajv-formats' "date-time" (time zone required) with a fast path for valid
 * "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" written with an upper-case T and Z.
 */
export function fastDateTime(original: FormatCheck): FormatCheck {
  return (s) => SURE_DATE_TIME.test(s) || plainDateTime(s) || original(s);
}

function plainDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(10) !== 84 /* T */ || !plainDate(s)) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === start) return false;
  }
  if (i === n - 1) return s.charCodeAt(i) === 90; /* Z */
  if (i !== n - 6) return false;
  const sign = s.charCodeAt(i);
  if ((sign !== 43 && sign !== 45) || s.charCodeAt(i + 3) !== 58) return false;
  const zh = two(s, i + 1);
  const zm = two(s, i + 4);
  return zh >= 0 && zh <= 23 && zm >= 0 && zm <= 59;
}
