/** iso(): the stored form of a time is exactly what Date's toISOString gives, on its fast path for UTC instants too. */
import { describe, expect, it } from 'vitest';
import { iso } from '../../server/store/rows.ts';

const viaDate = (s: string): string => {
  try {
    return new Date(s).toISOString();
  } catch {
    return 'RangeError';
  }
};
const ours = (s: string): string => {
  try {
    return iso(s);
  } catch {
    return 'RangeError';
  }
};

describe('iso', () => {
  it('equals new Date(s).toISOString() on valid and impossible instants, leap years, precisions and offsets', () => {
    const cases: string[] = [];
    for (const y of ['0000', '1900', '2000', '2023', '2024', '2100', '2400', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          for (const time of ['00:00:00', '23:59:59', '24:00:00', '12:60:00']) {
            for (const tail of ['Z', '.000Z', '.123Z', '.5Z', '+00:00', '+09:00', '']) {
              cases.push(`${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time}${tail}`);
            }
          }
        }
      }
    }
    const mismatches = cases.filter((s) => ours(s) !== viaDate(s));
    expect(mismatches).toEqual([]);
    expect(iso('2024-01-20T15:00:00Z')).toBe('2024-01-20T15:00:00.000Z');
    expect(iso('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(iso('2023-02-29T00:00:00Z')).toBe('2023-03-01T00:00:00.000Z'); // as Date rolls it over
  });
});
