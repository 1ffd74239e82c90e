/**
 * JSON-logic to closures: each expression is compiled once into a JavaScript function and
 * then evaluated many times. Semantics follow json-logic-js 2.0.5 operator by operator (the
 * conformance suite and a differential property test hold us to it) with three deliberate
 * differences, all for safety: `var`/`missing` read own properties only, iteration and
 * collection growth spend a work budget, and only allow-listed operators compile.
 */
import { operatorsByName, refusedOperators } from './operators/index.ts';
import { isInputsMap } from './safety-tables.ts';
import { FORBIDDEN_KEYS } from './operators/objects.ts';
import { truthy } from './operators/standard.ts';
import { BudgetError, OperatorError } from './types.ts';
import type { Env } from './types.ts';

/** Per-evaluation state threaded through every compiled closure. */
export interface EvalContext {
  env: Env;
  /** The scope object rules see at top level; reads from it are recorded for the trace. */
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
  for (const seg of segments) {
    if (cur === null || cur === undefined) return notFound;
    if (typeof cur !== 'object' && typeof cur !== 'string') return notFound;
    if (!hasOwn.call(cur, seg)) return notFound;
    cur = (cur as Record<string, unknown>)[seg];
    if (cur === undefined) return notFound;
  }
  return cur;
}

function splitPath(a: unknown): string[] | null {
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
}

const noTables: CompileScope = { tableInputs: () => null };

/** Compiles one JSON-logic expression found at JSON Pointer `path`. */
export function compileExpression(node: unknown, path: string, scope: CompileScope = noTables): Compiled {
  if (Array.isArray(node)) {
    const parts = node.map((n, i) => compileExpression(n, `${path}/${i}`, scope));
    return (d, c) => parts.map((p) => p(d, c));
  }
  if (!isLogic(node)) return () => node;

  const op = Object.keys(node)[0] as string;
  const opPath = path;
  const rawArgs = node[op];
  const args: unknown[] = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
  const argPath = (i: number) => (Array.isArray(rawArgs) ? `${path}/${pointerSegment(op)}/${i}` : `${path}/${pointerSegment(op)}`);

  if (hasOwn.call(refusedOperators, op)) throw new CompileFault(opPath, refusedOperators[op] as string);
  const spec = operatorsByName.get(op);
  if (!spec) throw new CompileFault(opPath, `unknown operator ${JSON.stringify(op)} (see README, Operators)`);

  if (op === 'object') return compileObject(rawArgs, argPath(0), scope);
  const sub = args.map((a, i) =>
    op === 'table' && i === 1 && isInputsMap(a, typeof args[0] === 'string' ? scope.tableInputs(args[0]) : null)
      ? compileInputsMap(a, argPath(i), scope)
      : compileExpression(a, argPath(i), scope),
  );
  const special = compileLazy(op, sub, args, opPath);
  if (special) return special;

  const fn = spec.fn;
  if (!fn) throw new CompileFault(opPath, `operator ${JSON.stringify(op)} has no implementation`);
  const isStandard = spec.family === 'standard';
  return (d, c) => {
    const values = sub.map((s) => s(d, c));
    if (isStandard && op !== 'cat' && op !== 'merge') return fn(values, c.env);
    try {
      return fn(values, c.env);
    } catch (err) {
      throw locate(err, opPath);
    }
  };
}

/** A table call's inputs: an object whose values are expressions (json-logic leaves objects unevaluated). */
function compileInputsMap(map: Record<string, unknown>, path: string, scope: CompileScope): Compiled {
  const fields = Object.entries(map).map(([k, v]) => [k, compileExpression(v, `${path}/${pointerSegment(k)}`, scope)] as const);
  return (d, c) => {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, f] of fields) out[k] = f(d, c);
    return out;
  };
}

/** {"object": {key: expression, ...}}: a fresh object of the evaluated values. */
function compileObject(map: unknown, path: string, scope: CompileScope): Compiled {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new CompileFault(path, '"object" takes one object of key: expression pairs');
  const fields = Object.entries(map as Record<string, unknown>).map(([k, v]) => {
    if (FORBIDDEN_KEYS.has(k)) throw new CompileFault(`${path}/${pointerSegment(k)}`, `the key ${JSON.stringify(k)} is not allowed`);
    return [k, compileExpression(v, `${path}/${pointerSegment(k)}`, scope)] as const;
  });
  return (d, c) => {
    const out: Record<string, unknown> = {};
    for (const [k, f] of fields) out[k] = f(d, c);
    return out;
  };
}

/** Gives an error raised inside an operator the path of the expression that called it. */
function locate(err: unknown, path: string): unknown {
  if (err instanceof EvalFault) return err;
  if (err instanceof BudgetError) return new EvalFault(path, err.message, true);
  if (err instanceof OperatorError) return new EvalFault(path, err.message);
  if (err instanceof RangeError) return new EvalFault(path, `evaluation failed: ${err.message}`, true);
  if (err instanceof Error) return new EvalFault(path, `evaluation failed: ${err.message}`);
  return new EvalFault(path, 'evaluation failed');
}

function compileLazy(op: string, sub: Compiled[], raw: unknown[], path: string): Compiled | null {
  switch (op) {
    case 'var':
      return compileVar(sub, raw, false);
    case 'root':
      return compileVar(sub, raw, true);
    case 'missing':
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
    case 'missing_some': {
      const missing = compileLazy('missing', sub.slice(1), raw.slice(1), path) as Compiled;
      return (d, c) => {
        const need = sub[0]!(d, c) as number;
        const options = sub[1]!(d, c) as unknown[];
        const absent = missing(d, c) as unknown[];
        return options.length - absent.length >= need ? [] : absent;
      };
    }
    case 'if':
    case '?:':
      return (d, c) => {
        let i = 0;
        for (; i < sub.length - 1; i += 2) {
          if (truthy(sub[i]!(d, c))) return sub[i + 1]!(d, c);
        }
        if (sub.length === i + 1) return sub[i]!(d, c);
        return null;
      };
    case 'and':
      return (d, c) => {
        let current: unknown;
        for (const s of sub) {
          current = s(d, c);
          if (!truthy(current)) return current;
        }
        return current;
      };
    case 'or':
      return (d, c) => {
        let current: unknown;
        for (const s of sub) {
          current = s(d, c);
          if (truthy(current)) return current;
        }
        return current;
      };
    case 'map':
    case 'filter':
    case 'all':
    case 'some':
    case 'none':
      return compileIteration(op, sub, path);
    case 'reduce':
      return (d, c) => {
        const items = sub[0]!(d, c);
        const initial = sub.length > 2 ? sub[2]!(d, c) : null;
        if (!Array.isArray(items)) return initial;
        spend(c, items.length, path);
        let acc = initial;
        for (const current of items) acc = sub[1]!({ current, accumulator: acc }, c);
        return acc;
      };
    default:
      return null;
  }
}

/** var reads the current data; root (fromRoot) reads the policy scope even inside iterations. */
function compileVar(sub: Compiled[], raw: unknown[], fromRoot: boolean): Compiled {
  const literalPath = raw[0] === undefined || typeof raw[0] === 'string' || typeof raw[0] === 'number' || raw[0] === null;
  const hasDefault = sub.length > 1;
  const recordKey = literalPath ? String(raw[0] ?? '') : null;
  const read = (data: unknown, c: EvalContext, segs: string[] | null, key: string): unknown => {
    const d = fromRoot ? c.root : data;
    const notFound = hasDefault ? sub[1]!(data, c) : null;
    const value = segs ? readPath(d, segs, notFound === undefined ? null : notFound) : d;
    if (c.rec !== null && d === c.root && segs) c.rec.set(key, value);
    return value;
  };
  if (literalPath) {
    const segs = splitPath(raw[0]);
    return (d, c) => read(d, c, segs, recordKey as string);
  }
  return (d, c) => {
    const a = sub[0]!(d, c);
    return read(d, c, splitPath(a), String(a));
  };
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
      // some / none are defined through filter in json-logic-js, so non-arrays count as [].
      const wantSome = op === 'some';
      return (d, c) => {
        const items = source(d, c);
        if (!Array.isArray(items)) return !wantSome;
        spend(c, items.length, path);
        const hits = items.filter((x) => truthy(logic(x, c))).length;
        return wantSome ? hits > 0 : hits === 0;
      };
    }
  }
}
