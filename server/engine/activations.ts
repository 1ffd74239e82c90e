/**
 * Which version decides at a given instant. Activations are kept in the order they were made;
 * a later activation overrides earlier ones wherever their windows overlap, so a windowed
 * overlay (the holiday version) sits on top of an open-ended one, and a rollback is simply a
 * new activation of an old version.
 */
export interface Activation {
  version: number;
  /** Inclusive start, ISO-8601; null means since the beginning. */
  from: string | null;
  /** Exclusive end, ISO-8601; null or absent means open-ended. */
  until?: string | null;
}

/** The version active at `at`, or null when no activation covers it. */
export function activeVersionAt(activations: readonly Activation[], at: string): number | null {
  const t = Date.parse(at);
  for (let i = activations.length - 1; i >= 0; i--) {
    const a = activations[i]!;
    if (a.from !== null && Date.parse(a.from) > t) continue;
    if (a.until != null && Date.parse(a.until) <= t) continue;
    return a.version;
  }
  return null;
}
