/**
 * Frame layouts. A policy compiled in frame mode (compiler.ts, CompileScope.slot) keeps its
 * scope (the input's keys, params, now, derived values, item, itemIndex, items, totals) in an
 * array, one slot per name the policy reads or writes, instead of an object copied from the
 * input and again for every item. Same values, same order of writes, so every read sees what
 * it saw in the object; evaluate.ts runs such policies with frames.
 */
import type { PhaseProgram } from './codegen.ts';

export interface FrameLayout {
  /** Number of slots. */
  size: number;
  /** Slot of each name. */
  index: ReadonlyMap<string, number>;
  params: number;
  now: number;
  item: number;
  itemIndex: number;
  items: number;
  /** Slots of the derived values, in the order of policy.main.lets, policy.each.lets and policy.totals. */
  mainLets: number[];
  eachLets: number[];
  totals: number[];
  /** A frame of `size` undefined slots to copy (packed, unlike new Array(size)). */
  blank: unknown[];
  /**
   * The phases as generated JavaScript for evaluations without a trace (codegen.ts), once the
   * policy is hot: generating costs a few milliseconds and some memory per policy, which only
   * pays off for a policy evaluated many times (the editor compiles on every edit and runs a
   * hundred samples; a server runs its active versions millions of times).
   */
  program: PhaseProgram | null;
  /** Evaluations so far, until the program is generated. */
  runs: number;
  /** Generates `program` (sets it, or leaves it null where new Function is refused); null once done. */
  tierUp: (() => void) | null;
}

/** Evaluations of a policy after which its phases are generated as JavaScript. */
export const HOT_AFTER = 500;

/** Allocates slots by name while a policy compiles. */
export class FrameBuilder {
  private readonly slots = new Map<string, number>();

  slot(name: string): number {
    let i = this.slots.get(name);
    if (i === undefined) {
      i = this.slots.size;
      this.slots.set(name, i);
    }
    return i;
  }

  layout(lets: { main: string[]; each: string[]; totals: string[] }): FrameLayout {
    const [params, now, item, itemIndex, items] = ['params', 'now', 'item', 'itemIndex', 'items'].map((n) => this.slot(n)) as [number, number, number, number, number];
    const mainLets = lets.main.map((n) => this.slot(n));
    const eachLets = lets.each.map((n) => this.slot(n));
    const totals = lets.totals.map((n) => this.slot(n));
    const size = this.slots.size;
    return { size, index: new Map(this.slots), params, now, item, itemIndex, items, mainLets, eachLets, totals, blank: Array.from({ length: size }, () => undefined), program: null, runs: 0, tierUp: null };
  }
}

/**
 * The layout of each policy compiled in frame mode, keyed by its compiled `main` phase (a
 * policy object copied with spread keeps it); a policy without one runs in object mode.
 */
export const frameLayouts = new WeakMap<object, FrameLayout>();
