/**
 * JSON-logic to closures: each expression is compiled once into a JavaScript function and
 * then evaluated many times. Semantics follow json-logic-js 2.0.5 operator by operator (the
 * conformance suite and a differential property test hold us to it) with three deliberate
 * differences, all for safety: `var`/`missing` read own properties only, iteration and
 * collection growth spend a work budget, and only allow-listed operators compile.
 *
 * Speed (see BENCHMARKS.md, "Where the time goes"): the hot standard operators get closures of
 * their own that take their arguments positionally (no arguments array), constant operands are
 * folded into the closure, and `var` paths are split once. In frame mode (how policies are
 * compiled, see CompileScope.slot) a read of the policy scope is an array index: the scope is
 * an array of slots, one per name, instead of an object copied from the input.
 */
import { operatorsByName, refusedOperators } from './operators/index.ts';
import { isInputsMap } from './safety-tables.ts';
import { FORBIDDEN_KEYS } from './operators/objects.ts';
import { interned, stringTable } from './interned.ts';
import { truthy } from './operators/standard.ts';
import { BudgetError, OperatorError } from './types.ts';
import type { CompiledTable, Env, OperatorSpec } from './types.ts';

/** Per-evaluation state threaded through every compiled closure. */
export interface EvalContext {
  env: Env;
  /** The scope object rules see at top level (in frame mode, the frame array); reads from it are recorded for the trace. */
  root: unknown;
  /** When tracing: path → value of every top-level `var` read during the current rule. */
  rec: Map<string, unknown> | null;
}

export type Compiled = (data: unknown, ctx: EvalContext) => unknown;

/** A run-time fault located at the expression that raised it. */
export class EvalFault extends Error {
  override name = 'EvalFault';
  constructor(readonly path: string, message: string, readonly budget = false) {
    super(message);
  }
}

/** A compile-time problem (unknown operator, bad arity); the static checks normally catch these first. */
export class CompileFault extends Error {
  override name = 'CompileFault';
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** json-logic-js's test for "this object is an operation". */
export function isLogic(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

/** Escapes one JSON Pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Reads a dotted path with json-logic `var` semantics, but through own properties only. */
export function readPath(data: unknown, segments: readonly string[], notFound: unknown): unknown {
  let cur = data;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (cur === null || cur === undefined) return notFound;
    if (typeof cur !== 'object' && typeof cur !== 'string') return notFound;
    if (!hasOwn.call(cur, seg)) return notFound;
    cur = (cur as Record<string, unknown>)[seg];
    if (cur === undefined) return notFound;
  }
  return cur;
}

/** readPath for a path of one segment. */
function readOne(cur: unknown, seg: string, notFound: unknown): unknown {
  if (cur === null || cur === undefined) return notFound;
  if (typeof cur !== 'object' && typeof cur !== 'string') return notFound;
  if (!hasOwn.call(cur, seg)) return notFound;
  const v = (cur as Record<string, unknown>)[seg];
  return v === undefined ? notFound : v;
}

export function splitPath(a: unknown): string[] | null {
  if (a === undefined || a === '' || a === null) return null;
  return String(a).split('.');
}

function spend(ctx: EvalContext, n: number, path: string): void {
  ctx.env.budget.steps -= n;
  if (ctx.env.budget.steps < 0) throw new EvalFault(path, 'evaluation exceeded its work budget (too many iteration steps)', true);
}

/** What the compiler needs to know of the document around an expression. */
export interface CompileScope {
  /** Input column names of a table of the document, null when there is no such table. */
  tableInputs(name: string): readonly string[] | null;
  /**
   * Frame mode, how policies are compiled: the slot of a scope name. The scope (what `var`
   * reads outside iterations and `root` reads everywhere) is then an array holding each
   * name's value at its slot, passed as the data of top-level expressions and as ctx.root.
   * Absent: object mode, the scope is the data object itself (a lone expression, json-logic style).
   */
  slot?(name: string): number;
  /** Frame mode: called for an expression that needs the scope as a whole object (a whole-scope or computed `var`, `missing`); the caller then compiles in object mode. */
  escape?(path: string): void;
  /** The compiled table of that name of the document (what the `table` operator finds in env.tables at run time), for codegen.ts. */
  table?(name: string): CompiledTable | null;
  /**
   * Share the closures of constants and of reads of a path without a default (they cannot
   * fail, so no error names the path of either use) with every equal one compiled with this
   * flag, in this document and in others (interned.ts). Most of a policy's var reads repeat
   * one of its others (98 reads, 35 distinct, on a seed policy), and documents that differ in a
   * rule or two read the same paths at the same slots.
   */
  shared?: boolean;
}

const noTables: CompileScope = { tableInputs: () => null };

/** Compiles one JSON-logic expression found at JSON Pointer `path`. */
export function compileExpression(node: unknown, path: string, scope: CompileScope = noTables): Compiled {
  return compileNode(node, path, scope, true);
}

/** compileNode for codegen.ts, which calls closures for the shapes it does not generate. */
export function compileNodeForCodegen(node: unknown, path: string, scope: CompileScope, top: boolean): Compiled {
  return compileNode(node, path, scope, top);
}

/** Literal arrays up to this long are built without spending the work budget (the common `in` lists). */
export const FREE_ARRAY_ELEMENTS = 16;

/**
 * A constant's closure, made where it is returned: under tsx (esbuild's keepNames) a closure
 * bound to a name has its `name` set by Object.defineProperty, which leaves the function with
 * dictionary properties (~250 bytes more for every constant of every compiled policy).
 */
function constant(value: unknown): Compiled {
  return () => value;
}

/** The closures of the most common constants, shared by every expression. */
const commonConstants = new Map<unknown, Compiled>([null, true, false].map((v) => [v, constant(v)] as const));

/**
 * A constant's closure, shared with equal primitives (the key tells a string from a number;
 * -0, which prints as 0, keeps a closure of its own).
 */
function constantIn(value: unknown, scope: CompileScope): Compiled {
  const common = commonConstants.get(value);
  if (common) return common;
  if (!scope.shared || (typeof value === 'object' && value !== null) || Object.is(value, -0)) return constant(value);
  return interned.obtain(`${typeof value} ${String(value)}`, () => constant(value));
}

/** A read's closure, shared with the equal reads (`key` says what it reads and how). */
function readIn(scope: CompileScope, key: string, make: () => Compiled): Compiled {
  return scope.shared ? interned.obtain(key, make) : make();
}

/** The value of a node compileNode compiles as a constant (the operand standard operators fold), else undefined. */
function constantOperand(node: unknown): { value: unknown } | undefined {
  return Array.isArray(node) || isLogic(node) ? undefined : { value: node };
}

/** json-logic's iteration operators: argument 1 runs once per element, not on the scope. */
const PER_ELEMENT_ARG: Readonly<Record<string, number>> = { map: 1, filter: 1, all: 1, some: 1, none: 1, reduce: 1 };

/**
 * The JSON Pointers of expressions, which closures keep for their errors and traces, held once
 * per process: documents of one structure have the same paths ("/rules/3/when/and/0"), each
 * otherwise a string of its own built in pieces. Bounded: a process that compiles documents of
 * ever new shapes starts the table again.
 */
const sharedPath = stringTable(100_000);

/**
 * `top`: the node is evaluated on the scope (outside any iteration's per-element logic), so in
 * frame mode its `var` reads are slot reads.
 */
function compileNode(node: unknown, pathPieces: string, scope: CompileScope, top: boolean): Compiled {
  const path = sharedPath(pathPieces);
  if (Array.isArray(node)) {
    const parts: Compiled[] = [];
    for (let i = 0; i < node.length; i++) parts.push(compileNode(node[i], `${path}/${i}`, scope, top));
    // A literal array is built anew on each evaluation: inside two nested iterations a
    // 10,000-element one would be 10^10 values for 10^6 iteration steps. Long ones spend their length.
    return parts.length > FREE_ARRAY_ELEMENTS ? longArray(parts, path) : shortArray(parts);
  }
  if (!isLogic(node)) return constantIn(node, scope);

  const op = Object.keys(node)[0] as string;
  const opPath = path;
  const rawArgs = node[op];
  const args: unknown[] = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
  const argPath = (i: number) => (Array.isArray(rawArgs) ? `${path}/${pointerSegment(op)}/${i}` : `${path}/${pointerSegment(op)}`);

  if (hasOwn.call(refusedOperators, op)) throw new CompileFault(opPath, refusedOperators[op] as string);
  const spec = operatorsByName.get(op);
  if (!spec) throw new CompileFault(opPath, `unknown operator ${JSON.stringify(op)} (see README, Operators)`);

  if (op === 'object') return compileObject(rawArgs, argPath(0), scope, top);
  const perElement = hasOwn.call(PER_ELEMENT_ARG, op) ? PER_ELEMENT_ARG[op] : -1;
  const sub = args.map((a, i) =>
    op === 'table' && i === 1 && isInputsMap(a, typeof args[0] === 'string' ? scope.tableInputs(args[0]) : null)
      ? compileInputsMap(a, argPath(i), scope, top)
      : compileNode(a, argPath(i), scope, top && i !== perElement),
  );
  const special = compileLazy(op, sub, args, opPath, scope, top);
  if (special) return special;

  const fn = spec.fn;
  if (!fn) throw new CompileFault(opPath, `operator ${JSON.stringify(op)} has no implementation`);
  // Standard operators (but cat and merge, which spend the budget) raise nothing of their own: no try.
  const located = !(spec.family === 'standard' && op !== 'cat' && op !== 'merge');
  if (!located) {
    const fast = compileStandard(op, sub, args);
    if (fast) return fast;
  }
  return compileCall(fn, sub, located, opPath);
}

/*
 * The closures a compiled policy keeps are each made by a small function of their own, which
 * gives the closure a context holding just what it reads: a closure made inside a larger
 * function shares that function's context (and its block contexts) with every value any
 * closure there captures, all kept as long as the policy lives (bench/compiled-memory.ts). A
 * closure made in compileNode would keep its scope, and with it what the scope keeps.
 */

function longArray(parts: Compiled[], path: string): Compiled {
  const n = parts.length;
  return (d, c) => {
    spend(c, n, path);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = parts[i]!(d, c);
    return out;
  };
}

function shortArray(parts: Compiled[]): Compiled {
  return (d, c) => {
    const out = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) out[i] = parts[i]!(d, c);
    return out;
  };
}

/** An operator of the registry called with its evaluated arguments, without building them with map. */
function compileCall(fn: NonNullable<OperatorSpec['fn']>, sub: Compiled[], located: boolean, opPath: string): Compiled {
  const values = argumentValues(sub);
  return located ? callLocated(fn, values, opPath) : callPlain(fn, values);
}

type Values = (d: unknown, c: EvalContext) => unknown[];

function argumentValues(sub: Compiled[]): Values {
  switch (sub.length) {
    case 0: return noValues;
    case 1: return oneValue(sub[0]!);
    case 2: return twoValues(sub[0]!, sub[1]!);
    case 3: return threeValues(sub[0]!, sub[1]!, sub[2]!);
    default: return manyValues(sub);
  }
}

function noValues(): unknown[] {
  return [];
}
function oneValue(s0: Compiled): Values { return (d, c) => [s0(d, c)]; }
function twoValues(s0: Compiled, s1: Compiled): Values { return (d, c) => [s0(d, c), s1(d, c)]; }
function threeValues(s0: Compiled, s1: Compiled, s2: Compiled): Values { return (d, c) => [s0(d, c), s1(d, c), s2(d, c)]; }
function manyValues(sub: Compiled[]): Values {
  const n = sub.length;
  return (d, c) => {
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = sub[i]!(d, c);
    return out;
  };
}

function callPlain(fn: NonNullable<OperatorSpec['fn']>, values: Values): Compiled {
  return (d, c) => fn(values(d, c), c.env);
}

function callLocated(fn: NonNullable<OperatorSpec['fn']>, values: Values, opPath: string): Compiled {
  return (d, c) => {
    const v = values(d, c);
    try {
      return fn(v, c.env);
    } catch (err) {
      throw locate(err, opPath);
    }
  };
}

/* eslint-disable eqeqeq -- json-logic `==` is JavaScript loose equality on purpose */
/**
 * The hot standard operators with their arguments taken positionally, exactly as their
 * registry implementations (operators/standard.ts) compute them from the argument list; null
 * when the operator or the argument count has no such closure (the registry's fn is used).
 */
function compileStandard(op: string, sub: Compiled[], args: unknown[]): Compiled | null {
  const n = sub.length;
  const a = sub[0]!, b = sub[1]!, s2 = sub[2]!;
  const kb = n === 2 ? constantOperand(args[1]) : undefined;
  switch (op) {
    case '===':
      if (n !== 2) return null;
      return kb ? strictEqualK(a, kb.value) : strictEqual(a, b);
    case '!==':
      if (n !== 2) return null;
      return kb ? strictNotEqualK(a, kb.value) : strictNotEqual(a, b);
    case '==':
      if (n !== 2) return null;
      return kb ? looseEqualK(a, kb.value) : looseEqual(a, b);
    case '!=':
      return n === 2 ? looseNotEqual(a, b) : null;
    case '>':
      if (n !== 2) return null;
      return kb ? greaterK(a, kb.value as number) : greater(a, b);
    case '>=':
      if (n !== 2) return null;
      return kb ? greaterOrEqualK(a, kb.value as number) : greaterOrEqual(a, b);
    case '<':
      return n === 2 ? less(a, b) : n === 3 ? lessBetween(a, b, s2) : null;
    case '<=':
      return n === 2 ? lessOrEqual(a, b) : n === 3 ? lessOrEqualBetween(a, b, s2) : null;
    case '!':
      return n === 1 ? not(a) : null;
    case '!!':
      return n === 1 ? truth(a) : null;
    case 'in':
      return n === 2 ? isIn(a, b) : null;
    case '+':
      // args.reduce((acc, v) => parseFloat(acc) + parseFloat(v), 0)
      return n === 1 ? plusOne(a) : n === 2 ? plusTwo(a, b) : null;
    case '*':
      // args.reduce((acc, v) => parseFloat(acc) * parseFloat(v)): one argument comes back as it is.
      return n === 2 ? timesTwo(a, b) : n === 3 ? timesThree(a, b, s2) : null;
    case '-':
      return n === 2 ? minus(a, b) : n === 1 ? negate(a) : null;
    case '/':
      return n === 2 ? divide(a, b) : null;
    case '%':
      return n === 2 ? remainder(a, b) : null;
    default:
      return null;
  }
}

// compileStandard's closures, each made by a function of its own (see objectRead).
function strictEqualK(a: Compiled, k: unknown): Compiled { return (d, c) => a(d, c) === k; }
function strictEqual(a: Compiled, b: Compiled): Compiled { return (d, c) => a(d, c) === b(d, c); }
function strictNotEqualK(a: Compiled, k: unknown): Compiled { return (d, c) => a(d, c) !== k; }
function strictNotEqual(a: Compiled, b: Compiled): Compiled { return (d, c) => a(d, c) !== b(d, c); }
function looseEqualK(a: Compiled, k: unknown): Compiled { return (d, c) => a(d, c) == k; }
function looseEqual(a: Compiled, b: Compiled): Compiled { return (d, c) => a(d, c) == b(d, c); }
function looseNotEqual(a: Compiled, b: Compiled): Compiled { return (d, c) => a(d, c) != b(d, c); }
function greaterK(a: Compiled, k: number): Compiled { return (d, c) => (a(d, c) as number) > k; }
function greater(a: Compiled, b: Compiled): Compiled { return (d, c) => (a(d, c) as number) > (b(d, c) as number); }
function greaterOrEqualK(a: Compiled, k: number): Compiled { return (d, c) => (a(d, c) as number) >= k; }
function greaterOrEqual(a: Compiled, b: Compiled): Compiled { return (d, c) => (a(d, c) as number) >= (b(d, c) as number); }
function less(a: Compiled, b: Compiled): Compiled { return (d, c) => (a(d, c) as number) < (b(d, c) as number); }
function lessBetween(a: Compiled, b: Compiled, s2: Compiled): Compiled {
  return (d, c) => {
    const x = a(d, c) as number, y = b(d, c) as number, z = s2(d, c) as number;
    return z === undefined ? x < y : x < y && y < z;
  };
}
function lessOrEqual(a: Compiled, b: Compiled): Compiled { return (d, c) => (a(d, c) as number) <= (b(d, c) as number); }
function lessOrEqualBetween(a: Compiled, b: Compiled, s2: Compiled): Compiled {
  return (d, c) => {
    const x = a(d, c) as number, y = b(d, c) as number, z = s2(d, c) as number;
    return z === undefined ? x <= y : x <= y && y <= z;
  };
}
function not(a: Compiled): Compiled { return (d, c) => !truthy(a(d, c)); }
function truth(a: Compiled): Compiled { return (d, c) => truthy(a(d, c)); }
function isIn(a: Compiled, b: Compiled): Compiled {
  return (d, c) => {
    const x = a(d, c), y = b(d, c);
    if (!y || typeof (y as { indexOf?: unknown }).indexOf !== 'function') return false;
    return (y as string | unknown[]).indexOf(x as string) !== -1;
  };
}
function plusOne(a: Compiled): Compiled { return (d, c) => parseFloat(0 as unknown as string) + parseFloat(a(d, c) as string); }
function plusTwo(a: Compiled, b: Compiled): Compiled {
  return (d, c) => {
    const x = a(d, c), y = b(d, c);
    return parseFloat((parseFloat(0 as unknown as string) + parseFloat(x as string)) as unknown as string) + parseFloat(y as string);
  };
}
function timesTwo(a: Compiled, b: Compiled): Compiled { return (d, c) => { const x = a(d, c), y = b(d, c); return parseFloat(x as string) * parseFloat(y as string); }; }
function timesThree(a: Compiled, b: Compiled, s2: Compiled): Compiled {
  return (d, c) => {
    const x = a(d, c), y = b(d, c), z = s2(d, c);
    return parseFloat((parseFloat(x as string) * parseFloat(y as string)) as unknown as string) * parseFloat(z as string);
  };
}
function minus(a: Compiled, b: Compiled): Compiled { return (d, c) => { const x = a(d, c) as number, y = b(d, c) as number; return y === undefined ? -x : x - y; }; }
function negate(a: Compiled): Compiled { return (d, c) => -(a(d, c) as number); }
function divide(a: Compiled, b: Compiled): Compiled { return (d, c) => (a(d, c) as number) / (b(d, c) as number); }
function remainder(a: Compiled, b: Compiled): Compiled { return (d, c) => (a(d, c) as number) % (b(d, c) as number); }
/* eslint-enable eqeqeq */

/** An object whose keys are all safe to assign on a plain object. */
const plainKeys = (keys: readonly string[]) => !keys.includes('__proto__');

/** A table call's inputs: an object whose values are expressions (json-logic leaves objects unevaluated). */
function compileInputsMap(map: Record<string, unknown>, path: string, scope: CompileScope, top: boolean): Compiled {
  const keys = Object.keys(map);
  const fns: Compiled[] = [];
  for (const k of keys) fns.push(compileNode(map[k], `${path}/${pointerSegment(k)}`, scope, top));
  // Only the table lookup sees this object, through own properties: a plain object serves
  // unless a key is "__proto__" (then a null-prototype one keeps it plain data).
  return inputsMap(keys, fns, plainKeys(keys) ? plainObject : nullPrototypeObject);
}

function plainObject(): Record<string, unknown> {
  return {};
}

function nullPrototypeObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

function inputsMap(keys: string[], fns: Compiled[], fresh: () => Record<string, unknown>): Compiled {
  return (d, c) => {
    const out = fresh();
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = fns[i]!(d, c);
    return out;
  };
}

/** {"object": {key: expression, ...}}: a fresh object of the evaluated values. */
function compileObject(map: unknown, path: string, scope: CompileScope, top: boolean): Compiled {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new CompileFault(path, '"object" takes one object of key: expression pairs');
  const keys: string[] = [];
  const fns: Compiled[] = [];
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    if (FORBIDDEN_KEYS.has(k)) throw new CompileFault(`${path}/${pointerSegment(k)}`, `the key ${JSON.stringify(k)} is not allowed`);
    keys.push(k);
    fns.push(compileNode(v, `${path}/${pointerSegment(k)}`, scope, top));
  }
  return (d, c) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = fns[i]!(d, c);
    return out;
  };
}

/** Gives an error raised inside an operator the path of the expression that called it (generated code calls it too). */
export function locate(err: unknown, path: string): unknown {
  if (err instanceof EvalFault) return err;
  if (err instanceof BudgetError) return new EvalFault(path, err.message, true);
  if (err instanceof OperatorError) return new EvalFault(path, err.message);
  if (err instanceof RangeError) return new EvalFault(path, `evaluation failed: ${err.message}`, true);
  if (err instanceof Error) return new EvalFault(path, `evaluation failed: ${err.message}`);
  return new EvalFault(path, 'evaluation failed');
}

function compileLazy(op: string, sub: Compiled[], raw: unknown[], path: string, scope: CompileScope, top: boolean): Compiled | null {
  switch (op) {
    case 'var':
      return compileVar(sub, raw, false, path, scope, top);
    case 'root':
      return compileVar(sub, raw, true, path, scope, top);
    case 'missing':
      if (top && scope.escape) scope.escape(path);
      return missingOf(sub);
    case 'missing_some':
      return missingSome(sub, compileLazy('missing', sub.slice(1), raw.slice(1), path, scope, top) as Compiled);
    case 'if':
    case '?:':
      return sub.length === 3 ? ifThenElse(sub[0]!, sub[1]!, sub[2]!) : ifChain(sub);
    case 'and':
      return sub.length === 2 ? andTwo(sub[0]!, sub[1]!) : andAll(sub);
    case 'or':
      return sub.length === 2 ? orTwo(sub[0]!, sub[1]!) : orAll(sub);
    case 'map':
    case 'filter':
    case 'all':
    case 'some':
    case 'none':
      return compileIteration(op, sub, path);
    case 'reduce':
      return reduceOf(sub, path);
    default:
      return null;
  }
}

// compileLazy's closures, each made by a function of its own (see longArray).
function missingOf(sub: Compiled[]): Compiled {
  return (d, c) => {
    const first = sub.length > 0 ? sub[0]!(d, c) : undefined;
    const keys = Array.isArray(first) ? first : sub.map((s) => s(d, c));
    const out: unknown[] = [];
    for (const key of keys) {
      // json-logic-js applies {"var": key}, so an array key is var's argument list.
      const [p, dflt] = Array.isArray(key) ? key : [key];
      const segs = splitPath(p);
      const value = segs ? readPath(d, segs, dflt ?? null) : d;
      if (value === null || value === '') out.push(key);
    }
    return out;
  };
}

function missingSome(sub: Compiled[], missing: Compiled): Compiled {
  return (d, c) => {
    const need = sub[0]!(d, c) as number;
    const options = sub[1]!(d, c) as unknown[];
    const absent = missing(d, c) as unknown[];
    return options.length - absent.length >= need ? [] : absent;
  };
}

function ifThenElse(cond: Compiled, then: Compiled, otherwise: Compiled): Compiled {
  return (d, c) => (truthy(cond(d, c)) ? then(d, c) : otherwise(d, c));
}

function ifChain(sub: Compiled[]): Compiled {
  return (d, c) => {
    let i = 0;
    for (; i < sub.length - 1; i += 2) {
      if (truthy(sub[i]!(d, c))) return sub[i + 1]!(d, c);
    }
    if (sub.length === i + 1) return sub[i]!(d, c);
    return null;
  };
}

function andTwo(x: Compiled, y: Compiled): Compiled {
  return (d, c) => {
    const current = x(d, c);
    return truthy(current) ? y(d, c) : current;
  };
}

function andAll(sub: Compiled[]): Compiled {
  return (d, c) => {
    let current: unknown;
    for (let i = 0; i < sub.length; i++) {
      current = sub[i]!(d, c);
      if (!truthy(current)) return current;
    }
    return current;
  };
}

function orTwo(x: Compiled, y: Compiled): Compiled {
  return (d, c) => {
    const current = x(d, c);
    return truthy(current) ? current : y(d, c);
  };
}

function orAll(sub: Compiled[]): Compiled {
  return (d, c) => {
    let current: unknown;
    for (let i = 0; i < sub.length; i++) {
      current = sub[i]!(d, c);
      if (truthy(current)) return current;
    }
    return current;
  };
}

function reduceOf(sub: Compiled[], path: string): Compiled {
  return (d, c) => {
    const items = sub[0]!(d, c);
    const initial = sub.length > 2 ? sub[2]!(d, c) : null;
    if (!Array.isArray(items)) return initial;
    spend(c, items.length, path);
    let acc = initial;
    for (const current of items) acc = sub[1]!({ current, accumulator: acc }, c);
    return acc;
  };
}

/** var/root reading a path of the object the data or the scope is, with a default evaluated on every read. */
function objectRead(fromRoot: boolean, dflt: Compiled | null, segments: string[] | null, recordKey: string): Compiled {
  return (data, c) => readObject(data, c, fromRoot, dflt, segments, recordKey);
}

/** objectRead's read (a path computed on each evaluation passes its own segments). */
function readObject(data: unknown, c: EvalContext, fromRoot: boolean, dflt: Compiled | null, segments: string[] | null, recordKey: string): unknown {
  const d = fromRoot ? c.root : data;
  const notFound = dflt ? dflt(data, c) : null;
  const value = segments ? readPath(d, segments, notFound === undefined ? null : notFound) : d;
  if (c.rec !== null && d === c.root && segments) c.rec.set(recordKey, value);
  return value;
}

/** var/root whose path is computed by an expression. */
function computedRead(fromRoot: boolean, dflt: Compiled | null, first: Compiled): Compiled {
  return (d, c) => {
    const a = first(d, c);
    return readObject(d, c, fromRoot, dflt, splitPath(a), String(a));
  };
}

/** Frame mode, with a default: the first segment is a slot of the scope frame (ctx.root, also the data at top level). */
function slotReadDefault(slot: number, rest: string[], key: string, dflt: Compiled): Compiled {
  return (d, c) => {
    const nf = dflt(d, c);
    const notFound = nf === undefined ? null : nf;
    const v = (c.root as unknown[])[slot];
    const value = v === undefined ? notFound : readPath(v, rest, notFound);
    if (c.rec !== null) c.rec.set(key, value);
    return value;
  };
}

/** Frame mode, one segment: undefined in the slot means the scope has no such name. */
function slotRead(slot: number, key: string): Compiled {
  return (_d, c) => {
    const v = (c.root as unknown[])[slot];
    const value = v === undefined ? null : v;
    if (c.rec !== null) c.rec.set(key, value);
    return value;
  };
}

function slotReadOne(slot: number, s1: string, key: string): Compiled {
  return (_d, c) => {
    const v = (c.root as unknown[])[slot];
    const value = v === undefined ? null : readOne(v, s1, null);
    if (c.rec !== null) c.rec.set(key, value);
    return value;
  };
}

function slotReadPath(slot: number, rest: string[], key: string): Compiled {
  return (_d, c) => {
    const v = (c.root as unknown[])[slot];
    const value = v === undefined ? null : readPath(v, rest, null);
    if (c.rec !== null) c.rec.set(key, value);
    return value;
  };
}

/** Object mode (or per element), one segment, no default. */
function dataReadOne(s0: string, key: string): Compiled {
  return (d, c) => {
    const value = readOne(d, s0, null);
    if (c.rec !== null && d === c.root) c.rec.set(key, value);
    return value;
  };
}

function dataReadPath(segs: string[], key: string): Compiled {
  return (d, c) => {
    const value = readPath(d, segs, null);
    if (c.rec !== null && d === c.root) c.rec.set(key, value);
    return value;
  };
}

/**
 * var reads the current data; root (fromRoot) reads the policy scope even inside iterations.
 * A missing value (or undefined) gives the default, evaluated on every read, else null; reads
 * of the scope itself are recorded for the trace.
 */
function compileVar(sub: Compiled[], raw: unknown[], fromRoot: boolean, path: string, scope: CompileScope, top: boolean): Compiled {
  const literalPath = raw[0] === undefined || typeof raw[0] === 'string' || typeof raw[0] === 'number' || raw[0] === null;
  const dflt = sub.length > 1 ? sub[1]! : null;
  const readsScope = fromRoot || top;
  if (scope.slot && readsScope && (!literalPath || splitPath(raw[0]) === null)) scope.escape?.(path);
  if (!literalPath) return computedRead(fromRoot, dflt, sub[0]!);
  const segs = splitPath(raw[0]);
  const key = String(raw[0] ?? '');
  if (segs === null) return objectRead(fromRoot, dflt, null, key);

  if (scope.slot && readsScope) {
    const slot = scope.slot(segs[0]!);
    const rest = segs.slice(1);
    if (dflt) return slotReadDefault(slot, rest, key, dflt);
    // The key gives the segments, and so the slot and the rest.
    return readIn(scope, `slot ${slot} ${key}`, () => (rest.length === 0 ? slotRead(slot, key) : rest.length === 1 ? slotReadOne(slot, rest[0]!, key) : slotReadPath(slot, rest, key)));
  }
  if (!dflt && !fromRoot) return readIn(scope, `data ${key}`, () => (segs.length === 1 ? dataReadOne(segs[0]!, key) : dataReadPath(segs, key)));
  return objectRead(fromRoot, dflt, segs, key);
}

function compileIteration(op: string, sub: Compiled[], path: string): Compiled {
  const [source, logic] = sub as [Compiled, Compiled];
  switch (op) {
    case 'map':
      return (d, c) => {
        const items = source(d, c);
        if (!Array.isArray(items)) return [];
        spend(c, items.length, path);
        return items.map((x) => logic(x, c));
      };
    case 'filter':
      return (d, c) => {
        const items = source(d, c);
        if (!Array.isArray(items)) return [];
        spend(c, items.length, path);
        return items.filter((x) => truthy(logic(x, c)));
      };
    case 'all':
      return (d, c) => {
        const items = source(d, c);
        if (!Array.isArray(items) || !items.length) return false;
        spend(c, items.length, path);
        for (let i = 0; i < items.length; i++) if (!truthy(logic(items[i], c))) return false;
        return true;
      };
    default: {
      // some / none are defined through filter in json-logic-js, so non-arrays count as [],
      // and every element is tested (filter skips holes).
      const wantSome = op === 'some';
      return (d, c) => {
        const items = source(d, c);
        if (!Array.isArray(items)) return !wantSome;
        spend(c, items.length, path);
        let hits = 0;
        for (let i = 0; i < items.length; i++) if (i in items && truthy(logic(items[i], c))) hits++;
        return wantSome ? hits > 0 : hits === 0;
      };
    }
  }
}
