/**
 * The resolved timeline of a policy: which version decides when, as consecutive segments
 * computed from the activations with exactly the engine's rule (activeVersionAt: the latest
 * activation covering an instant wins). Pure, so it is tested against activeVersionAt itself.
 *
 * Between two consecutive boundaries (a `from` or an `until` of any activation) nothing
 * changes, so asking activeVersionAt once per interval gives the whole answer; adjacent
 * intervals with the same version are merged.
 *
 * @example
 *   resolveTimeline([{ version: 1, from: null }, { version: 2, from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z' }]);
 *   // [{ from: null, until: '2023-10-11T00:00:00.000Z', version: 1 },
 *   //  { from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z', version: 2 },
 *   //  { from: '2024-02-01T00:00:00.000Z', until: null, version: 1 }]
 */
import { activeVersionAt } from '../engine/index.ts';
import type { Activation } from '../engine/index.ts';

export interface TimelineSegment {
  /** Inclusive start (ISO-8601 UTC); null: since the beginning (or the start of the range asked). */
  from: string | null;
  /** Exclusive end; null: open-ended. */
  until: string | null;
  /** The version deciding throughout the segment; null when no activation covers it (decide answers 422). */
  version: number | null;
}

export function resolveTimeline(activations: readonly Activation[], range: { from?: string | null; until?: string | null } = {}): TimelineSegment[] {
  const lo = range.from == null ? -Infinity : Date.parse(range.from);
  const hi = range.until == null ? Infinity : Date.parse(range.until);
  if (!(lo < hi)) return [];
  const inside = new Set<number>();
  for (const a of activations) {
    for (const edge of [a.from, a.until]) {
      if (edge == null) continue;
      const t = Date.parse(edge);
      if (t > lo && t < hi) inside.add(t);
    }
  }
  const bounds = [lo, ...[...inside].sort((x, y) => x - y), hi];
  const segments: TimelineSegment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    const version = activeVersionAt(activations, new Date(probe(start, end)).toISOString());
    const last = segments[segments.length - 1];
    if (last && last.version === version) {
      last.until = instant(end);
      continue;
    }
    segments.push({ from: instant(start), until: instant(end), version });
  }
  return segments;
}

/** An instant inside [start, end): its start, or just before its end when it starts at -∞. */
function probe(start: number, end: number): number {
  if (Number.isFinite(start)) return start;
  // No boundary lies before `end`, so every instant before it answers alike; with no
  // boundary at all (only open activations), any instant does.
  return Number.isFinite(end) ? end - 1 : 0;
}

function instant(t: number): string | null {
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
