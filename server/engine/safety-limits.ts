/**
 * The bounds a saved policy document must stay within, shared by the shape and expression
 * checks (see safety.ts). Separate from safety.ts so the check modules can import the
 * defaults without an import cycle.
 */

export interface Limits {
  /** Size of the document as UTF-8 JSON (the source text when known, else an estimate). */
  maxDocumentBytes: number;
  /** Nesting of objects and arrays; the root object is level 1. */
  maxDepth: number;
  /** Values of any kind (objects, arrays, strings, numbers, ...) in the whole document. */
  maxNodes: number;
  /** Elements of one array, and keys of one object, written in the document. */
  maxArrayLiteral: number;
  /** How many map/filter/reduce/all/some/none may nest, each inside the per-element logic of the one outside. */
  maxIterationNesting: number;
  maxTableRows: number;
  /** Inputs plus outputs of one table. */
  maxTableColumns: number;
  /** Rules of one list (`rules`, `each.rules`). */
  maxRules: number;
  /** Derived values of one list (`let`, `each.let`, `totals`). */
  maxDerived: number;
  maxTests: number;
}

/**
 * Why these numbers: real merchant policies are a few KB with a few dozen rules; the bounds
 * sit one to two orders of magnitude above that and far below what hurts the process
 * (json-logic-js overflows the stack near 1,900 levels; seven nested maps over 10 items
 * take ~21 s, so three levels is already 1,000 steps per element of the outer array).
 */
export const defaultLimits: Limits = Object.freeze({
  maxDocumentBytes: 1_000_000,
  maxDepth: 64,
  maxNodes: 100_000,
  maxArrayLiteral: 10_000,
  maxIterationNesting: 2,
  maxTableRows: 1_000,
  maxTableColumns: 50,
  maxRules: 500,
  maxDerived: 200,
  maxTests: 1_000,
});

/** Defaults overridden by the given limits; an undefined or non-numeric override keeps the default. */
export function resolveLimits(limits?: Partial<Limits>): Limits {
  const out: Limits = { ...defaultLimits };
  if (!limits) return out;
  for (const key of Object.keys(defaultLimits) as Array<keyof Limits>) {
    const v = limits[key];
    if (typeof v === 'number' && !Number.isNaN(v)) out[key] = v;
  }
  return out;
}
