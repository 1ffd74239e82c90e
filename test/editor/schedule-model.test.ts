/**
 * The schedule screen's models, in Node: the publish/schedule "when" form (editor/src/
 * activation-window.ts), the timeline bar layout and the activations that never decide
 * (editor/src/timeline-layout.ts, checked against the server's own resolveTimeline), and the
 * routes of a policy's screens.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWindow, emptyWindowForm, parseWindow, splitInstant, utcInstant } from '../../editor/src/activation-window.ts';
import { parseRoute, routePath } from '../../editor/src/router.ts';
import { describeSpan, formatPrecise, layoutTimeline, neverDeciding, positionIn, segmentAt, tickLabel } from '../../editor/src/timeline-layout.ts';
import { resolveTimeline } from '../../server/services/timeline.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const HOLIDAY = [
  { from: null, until: '2023-10-11T00:00:00.000Z', version: 1 },
  { from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z', version: 2 },
  { from: '2024-02-01T00:00:00.000Z', until: null, version: 1 },
];

describe('the "when" of a publish or an activation', () => {
  it('reads UTC dates and times, midnight by default, and refuses dates that do not exist', () => {
    expect(utcInstant('2030-01-01', '')).toBe('2030-01-01T00:00:00Z');
    expect(utcInstant('2030-01-01', '13:30')).toBe('2030-01-01T13:30:00Z');
    expect(utcInstant('2030-02-30', '')).toBeNull();
    expect(utcInstant('01/02/2030', '')).toBeNull();
    expect(utcInstant('2030-01-01', '25:00')).toBeNull();
    expect(splitInstant('2030-01-01T13:30:00.000Z')).toEqual({ date: '2030-01-01', time: '13:30' });
  });

  it('gives nothing to activate, from now on, from a date on, or a window', () => {
    const form = { ...emptyWindowForm(), fromDate: '2030-01-01', untilDate: '2030-02-01' };
    expect(parseWindow({ ...form, mode: 'none' }, NOW)).toEqual({ ok: true, window: null, warnings: [] });
    expect(parseWindow({ ...form, mode: 'now' }, NOW)).toEqual({ ok: true, window: {}, warnings: [] });
    expect(parseWindow({ ...form, mode: 'from' }, NOW)).toEqual({ ok: true, window: { from: '2030-01-01T00:00:00Z' }, warnings: [] });
    expect(parseWindow({ ...form, mode: 'window' }, NOW)).toEqual({ ok: true, window: { from: '2030-01-01T00:00:00Z', until: '2030-02-01T00:00:00Z' }, warnings: [] });
    expect(describeWindow({ from: '2030-01-01T00:00:00Z', until: '2030-02-01T00:00:00Z' })).toBe('from 2030-01-01 00:00 UTC until 2030-02-01 00:00 UTC');
    expect(describeWindow({})).toBe('from now on');
  });

  it('says which field is wrong: a missing date, a bad time, an end not after the start', () => {
    expect(parseWindow({ ...emptyWindowForm('window') }, NOW)).toEqual({ ok: false, errors: { fromDate: 'Choose the start date.', untilDate: 'Choose the end date.' } });
    expect(parseWindow({ ...emptyWindowForm('from'), fromDate: '2030-01-01', fromTime: '9am' }, NOW)).toEqual({ ok: false, errors: { fromTime: 'Write the time as HH:MM (UTC).' } });
    expect(parseWindow({ ...emptyWindowForm('window'), fromDate: '2030-02-01', untilDate: '2030-02-01' }, NOW)).toEqual({ ok: false, errors: { untilDate: 'The end must be after the start.' } });
  });

  it('warns when a window starts or ends in the past (it rewrites what the timeline says about the past)', () => {
    const started = parseWindow({ ...emptyWindowForm('from'), fromDate: '2026-01-01' }, NOW);
    expect(started.ok && started.warnings[0]).toMatch(/^This starts in the past/);
    const ended = parseWindow({ ...emptyWindowForm('window'), fromDate: '2023-10-11', untilDate: '2024-02-01' }, NOW);
    expect(ended.ok && ended.warnings[0]).toMatch(/^This window has already ended/);
  });
});

describe('the timeline bar', () => {
  it('covers the whole bar with the segments in order, "now" inside the segment deciding now', () => {
    const bar = layoutTimeline(HOLIDAY, NOW);
    expect(bar.segments.map((s) => s.version)).toEqual([1, 2, 1]);
    expect(bar.segments[0]!.left).toBe(0);
    for (let i = 1; i < bar.segments.length; i++) expect(bar.segments[i]!.left).toBeCloseTo(bar.segments[i - 1]!.left + bar.segments[i - 1]!.width, 9);
    const last = bar.segments.at(-1)!;
    expect(last.left + last.width).toBeCloseTo(100, 9);
    expect(bar.segments.map((s) => s.current)).toEqual([false, false, true]);
    expect(bar.now!).toBeGreaterThan(last.left);
    expect(bar.now!).toBeLessThan(100);
    expect(bar.ticks.map((t) => [t.label, t.row])).toEqual([
      ['2023-10-11', 0],
      ['2024-02-01', 0],
    ]);
  });

  it('keeps a one-month window readable next to years (log widths), and open ends a fixed share', () => {
    const segments = [
      { from: null, until: '2030-01-01T00:00:00.000Z', version: 1 },
      { from: '2030-01-01T00:00:00.000Z', until: '2030-02-01T00:00:00.000Z', version: 3 },
      { from: '2030-02-01T00:00:00.000Z', until: null, version: 1 },
    ];
    const bar = layoutTimeline(segments, NOW);
    expect(bar.segments[1]!.width).toBeGreaterThan(20);
    expect(bar.segments[0]!.width).toBeCloseTo(bar.segments[2]!.width, 9);
  });

  it('puts a boundary label that would overlap its neighbour on a second row, and leaves out one with no room', () => {
    const close = [
      { from: null, until: '2026-11-23T11:37:10.000Z', version: 1 },
      { from: '2026-11-23T11:37:10.000Z', until: '2026-11-23T11:37:42.000Z', version: 3 },
      { from: '2026-11-23T11:37:42.000Z', until: '2026-11-23T11:37:50.000Z', version: 1 },
      { from: '2026-11-23T11:37:50.000Z', until: null, version: 2 },
    ];
    const bar = layoutTimeline(close, NOW, 400);
    expect(bar.ticks.map((t) => t.label)).toEqual(['2026-11-23 11:37:10', '2026-11-23 11:37:42', '2026-11-23 11:37:50']);
    expect(bar.ticks.map((t) => t.row)).toEqual([1, 0, null]);
  });

  it('places instants monotonically inside open and closed segments', () => {
    const open = { from: '2024-02-01T00:00:00.000Z', until: null };
    const past = { from: null, until: '2023-10-11T00:00:00.000Z' };
    const t = (iso: string) => Date.parse(iso);
    expect(positionIn(open, t('2024-02-01T00:00:00Z'))).toBe(0);
    expect(positionIn(open, t('2025-02-01T00:00:00Z'))).toBeCloseTo(0.5, 2);
    expect(positionIn(past, t('2023-10-11T00:00:00Z'))).toBe(1);
    expect(positionIn({ from: '2030-01-01T00:00:00Z', until: '2030-01-03T00:00:00Z' }, t('2030-01-02T00:00:00Z'))).toBe(0.5);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e11 }), fc.integer({ min: 0, max: 4e11 }), (a, b) => {
        const base = t('2024-02-01T00:00:00Z');
        const [x, y] = [base + Math.min(a, b), base + Math.max(a, b)];
        expect(positionIn(open, x)).toBeLessThanOrEqual(positionIn(open, y));
        expect(positionIn(open, y)).toBeLessThan(1);
      }),
    );
  });

  it('finds the segment deciding at an instant (from inclusive, until exclusive)', () => {
    expect(segmentAt(HOLIDAY, new Date('2024-02-01T00:00:00Z'))?.version).toBe(1);
    expect(segmentAt(HOLIDAY, new Date('2024-01-31T23:59:59Z'))?.version).toBe(2);
  });

  it('writes instants to the second only where it matters', () => {
    expect(tickLabel('2030-01-01T00:00:00.000Z')).toBe('2030-01-01');
    expect(tickLabel('2030-01-01T13:30:00.000Z')).toBe('2030-01-01 13:30');
    expect(formatPrecise('2026-11-23T11:37:42.120Z')).toBe('2026-11-23 11:37:42 UTC');
    expect(describeSpan({ from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z', version: 2 })).toBe('version 2 from 2023-10-11 until 2024-02-01');
    expect(describeSpan({ from: '2024-02-01T00:00:00.000Z', until: null, version: null })).toBe('no version decides from 2024-02-01 onwards');
  });
});

describe('activations that never decide', () => {
  it('is a window covered by a later open-ended activation (a rollback over a scheduled window)', () => {
    const acts = [
      { from: null, until: null },
      { from: '2030-01-01T00:00:00Z', until: '2030-02-01T00:00:00Z' },
      { from: '2026-11-23T12:00:00Z', until: null },
    ];
    expect([...neverDeciding(acts)]).toEqual([1]);
    expect([...neverDeciding(acts.slice(0, 2))]).toEqual([]);
  });

  it('agrees with the server\'s resolved timeline: an activation never decides exactly when no instant is its', () => {
    const instant = fc.integer({ min: 0, max: 20 }).map((d) => new Date(Date.UTC(2030, 0, 1 + d)).toISOString());
    const activation = fc
      .record({ version: fc.integer({ min: 1, max: 4 }), from: fc.option(instant), until: fc.option(instant) })
      .filter((a) => a.from === null || a.until === null || a.until > a.from);
    fc.assert(
      fc.property(fc.array(activation, { minLength: 1, maxLength: 6 }), (acts) => {
        // Give each activation its own version so that the resolved timeline says whose each stretch is.
        const own = acts.map((a, i) => ({ ...a, version: i + 1 }));
        const deciding = new Set(resolveTimeline(own).map((s) => s.version).filter((v): v is number => v !== null));
        const never = neverDeciding(own);
        for (let i = 0; i < own.length; i++) expect(never.has(i)).toBe(!deciding.has(i + 1));
      }),
    );
  });
});

describe('routes of a policy\'s screens', () => {
  it('parses and writes /policies/<key>/schedule, /history and /decisions', () => {
    expect(parseRoute('/policies/returns/schedule')).toEqual({ name: 'schedule', policy: 'returns' });
    expect(parseRoute('/policies/a%2Fb/history/')).toEqual({ name: 'history', policy: 'a/b' });
    expect(parseRoute('/policies/returns/decisions')).toEqual({ name: 'decisions', policy: 'returns' });
    expect(parseRoute('/policies/returns/nowhere')).toEqual({ name: 'not-found', path: '/policies/returns/nowhere' });
    expect(routePath({ name: 'schedule', policy: 'a/b' })).toBe('/policies/a%2Fb/schedule');
  });
});
