/**
 * Shared engine types. The engine is pure and isomorphic: nothing here (or anywhere under
 * server/engine/) may import node: modules or do I/O, so the editor bundles the same code.
 */

/** One problem found in a document or an input, located by a JSON Pointer (RFC 6901). */
export interface Problem {
  /** JSON Pointer into the checked value, e.g. "/rules/3/when/and/1" or "/order/items/0/unitPrice". "" is the root. */
  path: string;
  message: string;
}

/** Thrown by an operator for a bad argument at run time; the engine turns it into a structured error. */
export class OperatorError extends Error {
  override name = 'OperatorError';
}

/** Thrown when an evaluation exceeds its work budget (iterations, array or string growth). */
export class BudgetError extends Error {
  override name = 'BudgetError';
}

/** Limits on the work one evaluation may do; defence in depth behind the static checks. */
export interface Budget {
  /** Remaining iteration steps (map/filter/reduce/all/some/none elements, business-day loops). */
  steps: number;
  /** Largest array or string an operator may build. */
  maxCollection: number;
}

/** What every operator sees besides its arguments. */
export interface Env {
  /** The evaluation instant, ISO-8601 UTC: what `now` returns. */
  at: string;
  /** The order's currency (root `order.currency`), used by `money` when no currency is given. */
  currency: string | null;
  budget: Budget;
  /** Compiled decision tables of the policy being evaluated, for the `table` operator. */
  tables: ReadonlyMap<string, CompiledTable>;
  /** The parse of `at` once a time operator has made it, with the text it was made from (operators/time.ts timeOrNow). */
  atTime?: { text: string; time: { ms: number; dateOnly: boolean } | null };
}

/** A decision table after compile: lookup returns the outputs of the first matching row. */
export interface CompiledTable {
  name: string;
  /**
   * `plain`: the outputs are JSON data (see json-copy.ts isPlainTree), so copyJson copies them
   * exactly as structuredClone would; `copiers`: for the outputs object and each object-valued
   * output, a function returning such a copy faster (json-copy.ts literalCopier).
   */
  lookup(inputs: Record<string, unknown>): TableHit | null;
  /**
   * The rows as compiled, for codegen.ts to generate a lookup inline: each row's condition
   * cells by input name (in the order of the table's inputs; only the inputs the row tests) and
   * the answer lookup gives for it.
   */
  shape?: { rows: ReadonlyArray<{ cells: ReadonlyArray<readonly [string, unknown]>; hit: TableHit }>; fallback: TableHit | null };
}

/** What a table lookup answers: the row (-1 for the default) and its outputs. */
export interface TableHit {
  row: number;
  outputs: Record<string, unknown>;
  plain?: boolean;
  copiers?: ReadonlyMap<unknown, () => unknown>;
}

/**
 * An operator of the allow-list. `fn` receives already-evaluated arguments (the standard
 * json-logic calling convention). Lazy operators (if, and, or, map, ...) are built into the
 * compiler and are listed in operators/index.ts with `lazy: true` and no fn.
 */
export interface OperatorSpec {
  name: string;
  /** Family, for the docs: standard, time, money, collections, tables. */
  family: string;
  /** Minimum and maximum argument count (max Infinity for variadic). */
  arity: [number, number];
  /** One or two sentences for the README and the editor's hover. */
  doc: string;
  /** Example expressions and results, e.g. [{"daysBetween":["2024-01-01","2024-01-31"]}, 30]. */
  examples: Array<[unknown, unknown]>;
  fn?: (args: unknown[], env: Env) => unknown;
  /**
   * The same operator taking its (at most three) arguments positionally, absent ones undefined,
   * then env: fn is positional(call).fn, so fn(args, env) is call(args[0], args[1], args[2], env).
   * Generated code (codegen.ts) calls it and builds no arguments array.
   */
  call?: PositionalFn;
  lazy?: boolean;
}

export type PositionalFn = (a: unknown, b: unknown, c: unknown, env: Env) => unknown;

/** fn and call of an operator implemented positionally (OperatorSpec.call): fn(args, env) is call(args[0], args[1], args[2], env). */
export function positional(call: PositionalFn): { fn: NonNullable<OperatorSpec['fn']>; call: PositionalFn } {
  return { fn: (args, env) => call(args[0], args[1], args[2], env), call };
}
