/**
 * Lays out a policy's timeline (GET .../timeline: consecutive segments saying which version
 * decides when) as a horizontal bar. A linear time scale would make a one-month window next
 * to seven open years a sliver, so each segment's width grows with the logarithm of its
 * length, and the open ends (since the beginning, onwards) get a fixed share. Inside a
 * segment time is linear (finite) or squashed towards the open end, so the "now" marker sits
 * where it belongs between the boundary dates.
 *
 * @example
 *   const bar = layoutTimeline([{ from: null, until: '2030-01-01T00:00:00.000Z', version: 1 }, { from: '2030-01-01T00:00:00.000Z', until: null, version: 3 }], new Date());
 *   bar.segments.map((s) => [s.left, s.width]);   // [[0, 50], [50, 50]]
 *   bar.now;                                       // percent from the left where "now" is drawn
 */
import type { ScheduleSegment } from './api.ts';

const DAY = 86_400_000;
/** Time constant of the open ends: a year past the boundary is drawn halfway into the open segment. */
const OPEN_SCALE_DAYS = 365;
const OPEN_WEIGHT = 3;

export interface BarSegment extends ScheduleSegment {
  /** Left edge and width, in percent of the bar. */
  left: number;
  width: number;
  /** Whether "now" falls inside it (the segment deciding now). */
  current: boolean;
}

export interface BarTick {
  /** The boundary instant and where it is drawn (percent). */
  at: string;
  left: number;
  /** Its date label ("2030-01-01", or "2030-01-01 13:30" when not at midnight UTC). */
  label: string;
  /** 0: the first row of labels, 1: the second (it would overlap its neighbour), null: no room (hidden). */
  row: 0 | 1 | null;
}

export interface TimelineBar {
  segments: BarSegment[];
  ticks: BarTick[];
  /** Percent from the left where "now" is, or null with no segments. */
  now: number | null;
}

export function segmentWeight(s: Pick<ScheduleSegment, 'from' | 'until'>): number {
  if (s.from === null || s.until === null) return OPEN_WEIGHT;
  const days = Math.max(0, (Date.parse(s.until) - Date.parse(s.from)) / DAY);
  return 1 + Math.log2(1 + days / 30);
}

/** Where `t` lies inside the segment, 0..1 (linear when finite, squashed towards an open end). */
export function positionIn(s: Pick<ScheduleSegment, 'from' | 'until'>, t: number): number {
  const from = s.from === null ? null : Date.parse(s.from);
  const until = s.until === null ? null : Date.parse(s.until);
  if (from !== null && until !== null) return until > from ? clamp((t - from) / (until - from)) : 0;
  const k = OPEN_SCALE_DAYS * DAY;
  if (from === null && until === null) return 0.5;
  if (from === null) {
    const x = Math.max(0, until! - t);
    return 1 - x / (x + k);
  }
  const x = Math.max(0, t - from!);
  return x / (x + k);
}

/** Rough width of a label in pixels (0.75rem ≈ 10.5 px of a sans-serif: ~6.3 px a character). */
export const labelWidth = (text: string) => Math.ceil(text.length * 6.3) + 6;

export const START_LABEL = 'since the beginning';
export const END_LABEL = 'onwards';

/** "2030-01-01", or "2030-01-01 13:30" off midnight, with seconds when not on the minute (the screen says the times are UTC). */
export function tickLabel(iso: string): string {
  const s = new Date(iso).toISOString();
  if (s.slice(11, 19) === '00:00:00') return s.slice(0, 10);
  return `${s.slice(0, 10)} ${s.slice(17, 19) === '00' ? s.slice(11, 16) : s.slice(11, 19)}`;
}

/** An instant in UTC for text: "2030-01-01", "2030-01-01 13:30 UTC", "2026-11-23 11:37:42 UTC" (a "from now" has seconds). */
export function formatPrecise(iso: string | null): string {
  if (!iso) return '';
  const label = tickLabel(iso);
  return label.length > 10 ? `${label} UTC` : label;
}

/** "version 2 from 2023-10-11 until 2024-02-01", to the second where it matters. */
export function describeSpan(s: ScheduleSegment): string {
  const what = s.version === null ? 'no version decides' : `version ${s.version}`;
  return `${what}${s.from ? ` from ${formatPrecise(s.from)}` : ''}${s.until ? ` until ${formatPrecise(s.until)}` : ' onwards'}`;
}

/**
 * @param widthPx the bar's width on screen, to keep boundary labels from overlapping: a label
 *   that would touch its neighbour goes to a second row, and one with room in neither is left
 *   out (the segment still says its dates on hover and to assistive technology).
 */
export function layoutTimeline(segments: readonly ScheduleSegment[], now: Date, widthPx = 1200): TimelineBar {
  const t = now.getTime();
  const weights = segments.map(segmentWeight);
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  let left = 0;
  let nowAt: number | null = null;
  const laid: BarSegment[] = segments.map((s, i) => {
    const width = (weights[i]! / total) * 100;
    const current = (s.from === null || Date.parse(s.from) <= t) && (s.until === null || t < Date.parse(s.until));
    if (current) nowAt = left + positionIn(s, t) * width;
    const seg = { ...s, left, width, current };
    left += width;
    return seg;
  });
  const first = segments[0]?.from ? tickLabel(segments[0].from) : START_LABEL;
  const last = segments.at(-1)?.until ? tickLabel(segments.at(-1)!.until!) : END_LABEL;
  const gap = 8;
  // The right edge of the last label placed in each row; row 0 starts after the start label.
  const rowEnd = [labelWidth(first) + gap, -Infinity];
  const endStart = widthPx - labelWidth(last) - gap;
  const ticks: BarTick[] = laid.slice(1).map((s) => {
    const label = tickLabel(s.from!);
    const x = (s.left / 100) * widthPx;
    const half = labelWidth(label) / 2;
    let row: 0 | 1 | null = null;
    if (x - half >= rowEnd[0]! && x + half <= endStart) row = 0;
    else if (x - half >= rowEnd[1]! + gap && x + half <= widthPx) row = 1;
    if (row !== null) rowEnd[row] = x + half + gap;
    return { at: s.from!, left: s.left, label, row };
  });
  return { segments: laid, ticks, now: nowAt };
}

/** The segment deciding at `now` (null when none covers it). */
export function segmentAt(segments: readonly ScheduleSegment[], now: Date): ScheduleSegment | null {
  const t = now.getTime();
  return segments.find((s) => (s.from === null || Date.parse(s.from) <= t) && (s.until === null || t < Date.parse(s.until))) ?? null;
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * Indexes of activations (in the order they were made) that never decide at all: later ones
 * cover their whole window. Exact, with the engine's rule: between two consecutive boundaries
 * the latest covering activation wins the whole interval.
 *
 * @example
 *   neverDeciding([{ from: '2030-01-01T00:00:00Z', until: '2030-02-01T00:00:00Z' }, { from: '2029-01-01T00:00:00Z', until: null }]);   // Set {0}
 */
export function neverDeciding(activations: ReadonlyArray<{ from: string | null; until?: string | null }>): Set<number> {
  const bounds = [...new Set(activations.flatMap((a) => [a.from, a.until ?? null]).filter((x): x is string => x !== null).map((x) => Date.parse(x)))].sort((a, b) => a - b);
  // One probe inside every interval: before the first boundary, at each boundary, and (with none) anywhere.
  const probes = bounds.length === 0 ? [0] : [bounds[0]! - 1, ...bounds];
  const winners = new Set<number>();
  for (const t of probes) {
    for (let i = activations.length - 1; i >= 0; i--) {
      const a = activations[i]!;
      if (a.from !== null && Date.parse(a.from) > t) continue;
      if (a.until != null && Date.parse(a.until) <= t) continue;
      winners.add(i);
      break;
    }
  }
  return new Set(activations.map((_, i) => i).filter((i) => !winners.has(i)));
}
