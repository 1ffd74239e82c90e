/** normalizeInstant's fast path (an instant already canonical is its own normal form) agrees with the definition. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeInstant } from '../../server/engine/index.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** The definition: the regular expression, Date.parse and toISOString. */
function reference(at: string): string | null {
  if (typeof at !== 'string' || !ISO_INSTANT.test(at)) return null;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const shaped = fc.record({
  y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
  h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 61 }), s: fc.integer({ min: 0, max: 61 }),
  frac: fc.oneof(fc.constant(''), fc.constant('.000'), fc.integer({ min: 0, max: 999 }).map((f) => `.${pad(f, 3)}`), fc.stringMatching(/^\.[0-9]{1,4}$/)),
  zone: fc.constantFrom('Z', 'z', '+00:00', '-01:30', ''),
}).map((v) => `${pad(v.y, 4)}-${pad(v.mo)}-${pad(v.d)}T${pad(v.h)}:${pad(v.mi)}:${pad(v.s)}${v.frac}${v.zone}`);

describe('normalizeInstant', () => {
  it('agrees with its definition on shaped values and near misses', () => {
    fc.assert(fc.property(shaped, (s) => normalizeInstant(s) === reference(s)), { numRuns: 50_000 });
    const near = fc.tuple(shaped, fc.nat(), fc.constantFrom('0', '9', '-', ':', '.', 'T', 'Z', ' ', 'x')).map(([s, i, c]) => s.slice(0, i % s.length) + c + s.slice((i % s.length) + 1));
    fc.assert(fc.property(near, (s) => normalizeInstant(s) === reference(s)), { numRuns: 50_000 });
  });
  it.each(['2024-01-31T10:00:00Z', '2024-01-31T10:00:00.120Z', '2024-01-31T10:00:00.000Z', '2024-02-30T10:00:00Z', '0050-01-01T00:00:00Z', '2024-01-01T24:00:00Z', '2023-02-29T00:00:00.001Z'])('agrees on %s', (s) => {
    expect(normalizeInstant(s)).toBe(reference(s));
  });
  it('refuses what is not a string', () => {
    expect(normalizeInstant(20240101 as unknown as string)).toBeNull();
  });
});
