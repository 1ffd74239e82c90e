/**
 * Numbers for the static analysis: a range of possible values (from a schema's type, minimum
 * and maximum) and one representative per class of numbers a set of points splits it into
 * (each point, each stretch between two, below the first, above the last), so that testing
 * the representatives tests every number of the range.
 */

export interface NumRange {
  integer: boolean;
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}

export const inRange = (r: NumRange, v: number) =>
  (!r.integer || Number.isInteger(v)) && (v > r.lo || (v === r.lo && r.loIn)) && (v < r.hi || (v === r.hi && r.hiIn));

/** One number per class of a range the points split it into (each point, each stretch between). */
export function numberReps(range: NumRange, points: number[]): number[] {
  const pts = [...points, ...[range.lo, range.hi].filter(Number.isFinite)].sort((a, b) => a - b);
  const cand = new Set<number>(pts);
  if (pts.length === 0) cand.add(0);
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    cand.add(p - 1).add(p + 1).add(Math.floor(p) + 1).add(Math.ceil(p) - 1);
    // Past the outer points even where p ± 1 rounds back to p (|p| beyond 2^53).
    cand.add(p - Math.max(1, Math.abs(p))).add(p + Math.max(1, Math.abs(p)));
    if (i + 1 < pts.length) cand.add((p + pts[i + 1]!) / 2);
  }
  for (const v of [...cand]) if (range.integer && !Number.isInteger(v)) cand.delete(v);
  return [...cand].filter((v) => inRange(range, v)).sort((a, b) => a - b);
}

