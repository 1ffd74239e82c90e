/**
 * The static check of every JSON-logic expression of a policy document, run when it is saved
 * or compiled and before anything is evaluated. It closes what json-logic-js leaves open
 * (README, Operators; DESIGN "The policy document"): json-logic-js only notices an unknown
 * operator when it evaluates it, reads `constructor` and `__proto__` like any field, and puts
 * no bound on nested iteration or on a `reduce` that doubles its accumulator.
 *
 * The walk is recursive but never deeper than limits.maxDepth (checkShape has already refused
 * deeper documents; the guard keeps this safe when called alone).
 */
import type { Problem } from './types.ts';
import { operatorsByName, refusedOperators } from './operators/index.ts';
import { expressionSites, isRecord, pointer, type PolicyLike } from './expression-sites.ts';
import { type Limits, resolveLimits } from './safety-limits.ts';
import { checkTableCall } from './safety-tables.ts';
import { FORBIDDEN_KEYS } from './operators/objects.ts';

/** json-logic's iteration operators: the second argument runs once per element of the first. */
const STANDARD_ITERATION = ['map', 'filter', 'reduce', 'all', 'some', 'none'];
/** Operators that build a bigger string or array from their arguments. */
const GROWING = new Set(['merge', 'cat', 'object']);
/** Path segments that reach JavaScript internals rather than data (json-logic-js reads them as fields). */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** What `{"var": "accumulator"}` refers to at a point of an expression. */
type Scope = 'top' | 'reduce' | 'element';

interface Ctx {
  depth: number;
  /** How many iteration operators enclose this node through their per-element logic. */
  iteration: number;
  scope: Scope;
  /** Inside a merge/cat already reported as growing: its inner ones are not reported again. */
  growthReported: boolean;
}

/**
 * Iteration operators of the registry: the standard ones still registered, plus any lazy
 * operator of the collections family (assumed to take the array first and per-element logic
 * second, as json-logic's own do).
 */
function iterationOperators(): Set<string> {
  const names = new Set(STANDARD_ITERATION.filter((n) => operatorsByName.has(n)));
  for (const spec of operatorsByName.values()) if (spec.lazy && spec.family === 'collections') names.add(spec.name);
  return names;
}

/** True for an object json-logic evaluates as an operation: exactly one key (its rule). */
export function operationOf(node: unknown): { op: string; args: unknown[]; argPath: (base: string, i: number) => string } | null {
  if (!isRecord(node)) return null;
  const keys = Object.keys(node);
  if (keys.length !== 1) return null;
  const op = keys[0]!;
  const raw = node[op];
  // json-logic passes a non-array argument as the single argument.
  const isList = Array.isArray(raw);
  return { op, args: isList ? raw : [raw], argPath: (base, i) => (isList ? pointer(base, op, i) : pointer(base, op)) };
}

/**
 * Checks every expression site of a document that passed the JSON Schema (it tolerates one
 * that did not, skipping what is not the expected shape). safety.ts's checkExpressions runs
 * this and the non-expression checks.
 *
 * @example
 * checkExpressionSites({ rules: [{ id: 'a', when: { if: [false, { log: 1 }] }, then: {} }] })
 * // [{ path: '/rules/0/when/if/1', message: '"log" is not allowed: …' }]
 */
export function checkExpressionSites(doc: PolicyLike, limits?: Partial<Limits>): Problem[] {
  const lim = resolveLimits(limits);
  const problems: Problem[] = [];
  const iteration = iterationOperators();
  const iterationList = [...iteration].join(', ');
  const tables = isRecord(doc) && isRecord(doc.tables) ? doc.tables : {};

  const visit = (node: unknown, path: string, ctx: Ctx): void => {
    if (ctx.depth > lim.maxDepth) {
      problems.push({ path, message: `nested deeper than ${lim.maxDepth} levels, the limit; flatten it (for example into derived values)` });
      return;
    }
    const inner = { ...ctx, depth: ctx.depth + 1 };
    if (Array.isArray(node)) {
      // json-logic evaluates each element of an array.
      node.forEach((el, i) => visit(el, pointer(path, i), inner));
      return;
    }
    const call = operationOf(node);
    if (!call) return; // a scalar, or an object with 0 or 2+ keys: data returned as is
    const { op, args, argPath } = call;
    // Refused wins over registered, as in the compiler. hasOwn: refusedOperators is a plain
    // object, and an operator named "constructor" must not find Object there.
    const spec = Object.hasOwn(refusedOperators, op) ? undefined : operatorsByName.get(op);
    if (!spec) {
      problems.push({ path, message: unknownOperatorMessage(op) });
      args.forEach((a, i) => visit(a, argPath(path, i), inner)); // find what else is wrong inside
      return;
    }
    const [min, max] = spec.arity;
    if (args.length < min || args.length > max) {
      problems.push({ path, message: `"${op}" takes ${arityText(min, max)} argument${max === 1 ? '' : 's'}, got ${args.length}` });
    }
    for (const i of pathArguments(op, args.length)) checkPathLiteral(args[i], argPath(path, i), problems);
    if (op === 'object') {
      checkObjectCall(args, argPath(path, 0), problems, (expr, at) => visit(expr, at, inner), ctx.scope === 'reduce' && !ctx.growthReported ? (n) => n > 1 : null, (a) => accumulatorRefs(a, iteration, lim.maxDepth));
      return;
    }
    if (op === 'table') {
      checkTableCall(args, (i) => argPath(path, i), tables, problems, (expr, at) => visit(expr, at, inner));
      return;
    }
    if (iteration.has(op)) {
      const level = ctx.iteration + 1;
      if (level === lim.maxIterationNesting + 1) {
        problems.push({ path, message: `"${op}" is nested ${level} deep in the per-element logic of other iterations (${iterationList}); the limit is ${lim.maxIterationNesting}: compute the inner list once as a derived value` });
      }
      if (ctx.scope === 'reduce' && accumulatorRefs(args[0], iteration, lim.maxDepth) > 0) {
        problems.push({ path, message: `"${op}" iterates over the reduce accumulator, so the work grows at every step; iterate over the input instead` });
      }
      args.forEach((a, i) => {
        const logic: Ctx = { depth: inner.depth, iteration: level, scope: op === 'reduce' ? 'reduce' : 'element', growthReported: false };
        visit(a, argPath(path, i), i === 1 ? logic : inner);
      });
      return;
    }
    let growthReported = ctx.growthReported;
    if (GROWING.has(op) && ctx.scope === 'reduce' && !growthReported) {
      const n = args.reduce<number>((sum, a) => sum + accumulatorRefs(a, iteration, lim.maxDepth), 0);
      if (n > 1) {
        problems.push({ path, message: `"${op}" uses the reduce accumulator ${n} times, so the result can double at every step; use {"var": "accumulator"} once` });
        growthReported = true;
      }
    }
    args.forEach((a, i) => visit(a, argPath(path, i), { ...inner, growthReported }));
  };

  for (const site of expressionSites(doc)) {
    visit(site.expr, site.path, { depth: 0, iteration: 0, scope: 'top', growthReported: false });
  }
  return problems;
}

/**
 * `{"object": {key: expression}}`: one map whose values are expressions; keys that would
 * reach the prototype are refused, and inside a reduce, values that use the accumulator more
 * than once in total are refused (the object would double at every step).
 */
function checkObjectCall(
  args: unknown[],
  at: string,
  problems: Problem[],
  visit: (expr: unknown, path: string) => void,
  tooMuchGrowth: ((refs: number) => boolean) | null,
  refs: (expr: unknown) => number,
): void {
  const map = args[0];
  if (args.length !== 1 || !isRecord(map)) {
    problems.push({ path: at, message: '"object" takes one object of key: expression pairs, e.g. {"object": {"amount": {"var": "x"}}}' });
    return;
  }
  for (const key of Object.keys(map)) {
    if (FORBIDDEN_KEYS.has(key)) problems.push({ path: pointer(at, key), message: `the key ${JSON.stringify(key)} is not allowed` });
    visit(map[key], pointer(at, key));
  }
  if (tooMuchGrowth) {
    const n = Object.values(map).reduce<number>((sum, v) => sum + refs(v), 0);
    if (tooMuchGrowth(n)) problems.push({ path: at, message: `"object" uses the reduce accumulator ${n} times, so the result can double at every step; use {"var": "accumulator"} once` });
  }
}

function unknownOperatorMessage(op: string): string {
  if (Object.hasOwn(refusedOperators, op)) return `${refusedOperators[op]} (see README, Operators)`;
  const lower = op.toLowerCase();
  const near = [...operatorsByName.keys()].find((name) => name.toLowerCase() === lower);
  const hint = near ? `; did you mean "${near}"?` : '';
  return `unknown operator ${JSON.stringify(op)}${hint} (see README, Operators)`;
}

function arityText(min: number, max: number): string {
  if (min === max) return `exactly ${min}`;
  if (max === Infinity) return `at least ${min}`;
  return `${min} to ${max}`;
}

/** Indexes of the arguments of a data-reading operator that are paths into the data. */
function pathArguments(op: string, count: number): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  switch (op) {
    case 'var':
    case 'root': return count > 0 ? [0] : []; // the second is the default value
    case 'missing': return all;
    case 'missing_some': return count > 1 ? [1] : []; // the first is how many are needed
    case 'get': return count > 1 ? [1] : []; // {"get": [value, path, default?]}
    default: return [];
  }
}

/**
 * Refuses a literal path (a string, or strings inside literal arrays: json-logic-js turns an
 * array path into a string with String()) with a segment naming a JavaScript internal.
 * Computed paths cannot be checked here; the compiler reads own properties only.
 */
function checkPathLiteral(arg: unknown, path: string, problems: Problem[]): void {
  if (Array.isArray(arg)) {
    arg.forEach((el, i) => checkPathLiteral(el, pointer(path, i), problems));
    return;
  }
  if (typeof arg !== 'string') return;
  const bad = arg.split('.').find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (bad !== undefined) {
    problems.push({ path, message: `the path ${JSON.stringify(arg)} reads "${bad}", a JavaScript internal, not a field of the data; name a field instead` });
  }
}

/** The literal text of a `var` path, or null when it is computed. */
function literalPath(arg: unknown): string | null {
  if (typeof arg === 'string' || typeof arg === 'number') return String(arg);
  if (Array.isArray(arg) && arg.every((el) => el === null || typeof el !== 'object' || Array.isArray(el))) return String(arg);
  return null;
}

/**
 * How many times `node` reads the reduce accumulator ({"var": "accumulator"} or
 * "accumulator.x") in the current scope: the per-element logic of a nested iteration has its
 * own data, so it is not looked into. Bounded by maxDepth like the main walk.
 */
function accumulatorRefs(node: unknown, iteration: Set<string>, depthLeft: number): number {
  if (depthLeft < 0) return 0;
  if (Array.isArray(node)) return node.reduce<number>((n, el) => n + accumulatorRefs(el, iteration, depthLeft - 1), 0);
  const call = operationOf(node);
  if (!call) return 0;
  let n = 0;
  if (call.op === 'var') {
    const p = literalPath(call.args[0]);
    if (p !== null && (p === 'accumulator' || p.startsWith('accumulator.'))) n += 1;
  }
  call.args.forEach((a, i) => {
    if (!(iteration.has(call.op) && i === 1)) n += accumulatorRefs(a, iteration, depthLeft - 1);
  });
  return n;
}
