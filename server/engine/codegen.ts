/**
 * JSON-logic to JavaScript source, for policies compiled in frame mode (see frames.ts) once they
 * are hot (frames.ts HOT_AFTER evaluations): the phases of a policy become a few functions of
 * straight-line code (generatePhases). A read of the scope is an index into the frame, a field
 * read is a named property load V8 can cache per site, the hot operators are inline, the
 * iteration operators call the array builtins with an arrow function V8 inlines, and an
 * outcome is one object literal, instead of one closure call per node through a shared,
 * megamorphic call site. The generated code computes exactly what the closures of compiler.ts
 * compute, in the same order, with the same errors: the closures are the definition, stay the
 * path of traced evaluations, and test/engine/codegen.test.ts and frames.test.ts compare both.
 *
 * Safety: nothing of the document is pasted into the source but numbers that print back to
 * themselves and strings through JSON.stringify (a JavaScript string literal); everything else
 * (objects, paths, operator functions, helpers) is passed in arrays the code indexes. Operators
 * or shapes not generated here are compiled as closures and called from the generated code.
 * Where `new Function` is not allowed (a Content-Security-Policy without 'unsafe-eval'), the
 * closures keep running.
 */
import { compileNodeForCodegen, EvalFault, FREE_ARRAY_ELEMENTS, isLogic, locate, pointerSegment, readPath, splitPath } from './compiler.ts';
import type { Compiled, CompileScope, EvalContext } from './compiler.ts';
import { operatorsByName } from './operators/index.ts';
import { truthy } from './operators/standard.ts';
import { BudgetError } from './types.ts';
import type { OperatorSpec, TableHit } from './types.ts';
import { isInputsMap } from './safety-tables.ts';
import { compactSource } from './compact-source.ts';
import { tableValue } from './operators/tables.ts';

/** What the generated code reaches through its parameters. */
interface Pools {
  /** Constants: objects, odd numbers, JSON Pointers. */
  K: unknown[];
  /** Registry operator implementations. */
  FN: Array<NonNullable<OperatorSpec['fn']>>;
  /** Closures for nodes not generated here. */
  C: Compiled[];
}

const helpers = {
  T: truthy,
  HAS: Object.prototype.hasOwnProperty,
  PROTO: Object.getPrototypeOf,
  OP: Object.prototype,
  RP: readPath,
  SPEND(c: EvalContext, n: number, path: string): void {
    c.env.budget.steps -= n;
    if (c.env.budget.steps < 0) throw new EvalFault(path, 'evaluation exceeded its work budget (too many iteration steps)', true);
  },
  LOC: locate,
};

/** JavaScript for truthy(e): a temporary holding true or false is its own truthiness, anything else goes through T. */
function truthCode(e: string): string {
  return /^t[0-9]+$/.test(e) ? `(${e} === true || (${e} !== false && T(${e})))` : `T(${e})`;
}

/** A JavaScript literal for a primitive that prints back to itself, else null. */
function literal(v: unknown): string | null {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  // In parentheses, so a member access after it (`(0).indexOf`) stays valid.
  if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) && Number(String(v)) === v) return `(${String(v)})`;
  return null;
}

const PER_ELEMENT_ARG: Readonly<Record<string, number>> = { map: 1, filter: 1, all: 1, some: 1, none: 1, reduce: 1 };

/** One generated function: its statements and temporaries. */
class FunctionGen {
  readonly lines: string[] = [];
  private temps = 0;
  /** Temporaries known to hold a boolean (comparisons, !, !!, some/all/none, and/or/if of booleans): truthy() of one is itself. */
  private readonly bools = new Set<string>(['true', 'false']);

  /** `traced`: emit the trace's records of scope reads (the phases without a trace leave them out: ctx.rec is null there). */
  constructor(private readonly pools: Pools, private readonly scope: CompileScope, private readonly traced = true, firstTemp = 0) {
    this.temps = firstTemp;
  }

  /** Temporaries used so far (the next generator in the same function starts after them). */
  get used(): number {
    return this.temps;
  }

  temp(): string {
    const t = `t${this.temps++}`;
    this.lines.push(`let ${t};`);
    return t;
  }

  /** Marks a temporary as holding a boolean; returns it. */
  bool(t: string): string {
    this.bools.add(t);
    return t;
  }

  isBool(e: string): boolean {
    return this.bools.has(e);
  }

  /** JavaScript for truthy(e) (json-logic truthiness): e itself when it is known to be a boolean. */
  truth(e: string): string {
    return this.bools.has(e) ? e : truthCode(e);
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  constant(value: unknown): string {
    const lit = literal(value);
    if (lit !== null) return lit;
    this.pools.K.push(value);
    return `K[${this.pools.K.length - 1}]`;
  }

  /** A string constant (path, key) through K, so long paths do not bloat the source. */
  text(value: string): string {
    return this.constant(value);
  }

  /**
   * Emits the evaluation of `node` and returns a JavaScript expression for its value, to be
   * read once, right away (a temporary, a literal or a constant reference).
   * `data`: the variable holding the current data (the frame at top level, an element inside
   * an iteration); `top`: outside any iteration's per-element logic.
   */
  node(node: unknown, path: string, data: string, top: boolean): string {
    if (Array.isArray(node)) {
      const parts = node.map((n, i) => this.node(n, `${path}/${i}`, data, top));
      const t = this.temp();
      // As the closure does (compiler.ts): building a long literal array is work.
      if (parts.length > FREE_ARRAY_ELEMENTS) this.emit(`SPEND(c, ${parts.length}, ${this.text(path)});`);
      this.emit(`${t} = [${parts.join(', ')}];`);
      return t;
    }
    if (!isLogic(node)) return this.constant(node);
    const op = Object.keys(node)[0]!;
    const rawArgs = node[op];
    const args: unknown[] = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
    const argPath = (i: number) => (Array.isArray(rawArgs) ? `${path}/${pointerSegment(op)}/${i}` : `${path}/${pointerSegment(op)}`);
    const spec = operatorsByName.get(op)!;

    switch (op) {
      case 'var':
      case 'root':
        return this.varRead(op === 'root', args, argPath, path, data, top) ?? this.closure(node, path, data, top);
      case 'if':
      case '?:':
        return this.ifChain(args, argPath, data, top);
      case 'and':
      case 'or':
        return this.andOr(op === 'and', args, argPath, data, top);
      case 'map':
      case 'filter':
      case 'all':
      case 'some':
      case 'none':
        if (args.length < 2) return this.closure(node, path, data, top);
        return this.iteration(op, args, argPath, path, data, top);
      case 'reduce':
        if (args.length < 2) return this.closure(node, path, data, top);
        return this.reduce(args, argPath, path, data, top);
      case 'object':
        return this.object(rawArgs, argPath(0), data, top) ?? this.closure(node, path, data, top);
      case 'missing':
      case 'missing_some':
        return this.closure(node, path, data, top);
      default:
        break;
    }
    if (!spec || !spec.fn) return this.closure(node, path, data, top);
    if (op === 'table') {
      const inline = this.table(args, argPath, path, data, top);
      if (inline !== null) return inline;
    }
    const values = args.map((a, i) =>
      op === 'table' && i === 1 && isInputsMap(a, typeof args[0] === 'string' ? this.scope.tableInputs(args[0]) : null)
        ? this.inputsMap(a, argPath(i), data, top)
        : this.node(a, argPath(i), data, top && !(Object.prototype.hasOwnProperty.call(PER_ELEMENT_ARG, op) && PER_ELEMENT_ARG[op] === i)),
    );
    const located = !(spec.family === 'standard' && op !== 'cat' && op !== 'merge');
    if (!located) {
      const inline = standard(op, values, this);
      if (inline !== null) return inline;
    }
    if (located && spec.call && values.length <= 3) {
      // Positionally (OperatorSpec.call): the same function as spec.fn, without an arguments array.
      this.pools.FN.push(spec.call as never);
      const t = this.temp();
      const padded = [...values, 'undefined', 'undefined', 'undefined'].slice(0, 3);
      this.emit(`try { ${t} = FN[${this.pools.FN.length - 1}](${padded.join(', ')}, c.env); } catch (e) { throw LOC(e, ${this.text(path)}); }`);
      return t;
    }
    this.pools.FN.push(spec.fn);
    const fn = `FN[${this.pools.FN.length - 1}]`;
    const t = this.temp();
    if (!located) {
      this.emit(`${t} = ${fn}([${values.join(', ')}], c.env);`);
    } else {
      const at = this.text(path);
      this.emit(`try { ${t} = ${fn}([${values.join(', ')}], c.env); } catch (e) { throw LOC(e, ${at}); }`);
    }
    return t;
  }

  /** A node compiled as a closure (the definition) and called from the generated code. */
  closure(node: unknown, path: string, data: string, top: boolean): string {
    this.pools.C.push(compileNodeForCodegen(node, path, this.scope, top));
    const t = this.temp();
    this.emit(`${t} = C[${this.pools.C.length - 1}](${data}, c);`);
    return t;
  }

  /** var / root with a literal path; null for what the closure does (computed or whole-data paths). */
  varRead(fromRoot: boolean, args: unknown[], argPath: (i: number) => string, path: string, data: string, top: boolean): string | null {
    const raw = args[0];
    const literalPath = raw === undefined || typeof raw === 'string' || typeof raw === 'number' || raw === null;
    if (!literalPath) return null;
    const segs = splitPath(raw);
    if (segs === null) return null;
    const key = String(raw ?? '');
    const frame = this.scope.slot !== undefined && (fromRoot || top);
    if (!frame && fromRoot) return null; // object mode root: the closure
    // The default is evaluated first, on the data, every time (as the closure does).
    let notFound = 'null';
    if (args.length > 1) {
      const nf = this.node(args[1], argPath(1), data, top);
      notFound = this.temp();
      this.emit(`${notFound} = ${nf} === undefined ? null : ${nf};`);
    }
    const v = this.temp();
    let rest = segs;
    if (frame) {
      this.emit(`${v} = F[${this.scope.slot!(segs[0]!)}];`);
      this.emit(`if (${v} === undefined) ${v} = ${notFound};`);
      rest = segs.slice(1);
      if (rest.length) {
        this.emit(`else {`);
        this.readSegments(v, rest, notFound);
        this.emit(`}`);
      }
      if (this.traced) this.emit(`if (c.rec !== null) c.rec.set(${this.text(key)}, ${v});`);
    } else {
      this.emit(`${v} = ${data};`);
      this.readSegments(v, rest, notFound);
      if (this.traced) this.emit(`if (c.rec !== null && ${data} === c.root) c.rec.set(${this.text(key)}, ${v});`);
    }
    return v;
  }

  /** readPath(v, segs, notFound) inline, into v. */
  private readSegments(v: string, segs: string[], notFound: string): void {
    // Each segment: null/undefined or not an object or string, or no own property, or undefined → notFound.
    let open = 0;
    let w = '';
    let p = '';
    for (const seg of segs) {
      const k = JSON.stringify(seg);
      if (seg in Object.prototype) {
        // A name Object.prototype has ("constructor", "__proto__", ...): asked first whether it is own, never read otherwise.
        this.emit(`if (${v} === null || ${v} === undefined || (typeof ${v} !== 'object' && typeof ${v} !== 'string') || !HAS.call(${v}, ${k}) || (${v} = ${v}[${k}]) === undefined) ${v} = ${notFound};`);
      } else {
        // Read first: undefined is notFound whether the property is own or absent. A value found is
        // own when the object has no prototype, or Object.prototype and that has no such property
        // (the property cannot come from elsewhere); any other object asks hasOwnProperty, as before.
        // What a hasOwnProperty call costs on objects of many shapes is most of a read's time.
        if (!w) {
          w = this.temp();
          p = this.temp();
        }
        this.emit(`if (${v} === null || ${v} === undefined || (typeof ${v} !== 'object' && typeof ${v} !== 'string') || (${w} = ${v}[${k}]) === undefined || !((${p} = PROTO(${v})) === null || (${p} === OP && !(${k} in OP)) || HAS.call(${v}, ${k}))) ${v} = ${notFound};`);
        this.emit(`else { ${v} = ${w};`);
        open++;
        continue;
      }
      this.emit(`else {`);
      open++;
    }
    this.emit(`}`.repeat(open));
  }

  ifChain(args: unknown[], argPath: (i: number) => string, data: string, top: boolean): string {
    const t = this.temp();
    const n = args.length;
    let i = 0;
    let open = 0;
    let allBool = true;
    for (; i < n - 1; i += 2) {
      const cond = this.node(args[i], argPath(i), data, top);
      this.emit(`if (${this.truth(cond)}) {`);
      const then = this.node(args[i + 1], argPath(i + 1), data, top);
      allBool &&= this.isBool(then);
      this.emit(`${t} = ${then};`);
      this.emit(`} else {`);
      open++;
    }
    if (n === i + 1) {
      const last = this.node(args[i], argPath(i), data, top);
      allBool &&= this.isBool(last);
      this.emit(`${t} = ${last};`);
    } else {
      allBool = false;
      this.emit(`${t} = null;`);
    }
    this.emit(`}`.repeat(open));
    return allBool ? this.bool(t) : t;
  }

  andOr(isAnd: boolean, args: unknown[], argPath: (i: number) => string, data: string, top: boolean): string {
    const t = this.temp();
    if (args.length === 0) {
      this.emit(`${t} = undefined;`);
      return t;
    }
    let open = 0;
    let allBool = true;
    for (let i = 0; i < args.length; i++) {
      const v = this.node(args[i], argPath(i), data, top);
      allBool &&= this.isBool(v);
      this.emit(`${t} = ${v};`);
      if (i < args.length - 1) {
        // t holds v here: known to be a boolean when v is.
        const test = this.isBool(v) ? t : truthCode(t);
        this.emit(isAnd ? `if (${test}) {` : `if (!${test}) {`);
        open++;
      }
    }
    this.emit(`}`.repeat(open));
    return allBool ? this.bool(t) : t;
  }

  iteration(op: string, args: unknown[], argPath: (i: number) => string, path: string, data: string, top: boolean): string {
    const items = this.node(args[0], argPath(0), data, top);
    const x = `x${this.temps++}`;
    const t = this.temp();
    const body = new FunctionGen(this.pools, this.scope, this.traced, this.temps + 1000);
    const r = body.node(args[1], argPath(1), x, false);
    this.temps = body.temps;
    const at = this.text(path);
    // The body inline in a loop over the elements, as the array builtins the closures use visit
    // them: map and filter read the length once and skip holes (map keeps them in its result,
    // a new Array of that length), some and none skip holes, all reads every index.
    const code = body.lines.join(' ');
    const i = `i${this.temps++}`;
    const n = `n${this.temps++}`;
    // truthy(r): r itself when the body gives a boolean.
    const test = body.isBool(r) ? r : truthCode(r);
    // SPEND(c, n, at) inline; SPEND(c, 0, at) throws its fault once the budget is overdrawn.
    const spend = `c.env.budget.steps -= ${items}.length; if (c.env.budget.steps < 0) SPEND(c, 0, ${at});`;
    switch (op) {
      case 'map':
        this.emit(`if (!Array.isArray(${items})) ${t} = []; else { ${spend} const ${n} = ${items}.length; ${t} = new Array(${n}); for (let ${i} = 0; ${i} < ${n}; ${i}++) if (${i} in ${items}) { const ${x} = ${items}[${i}]; ${code} ${t}[${i}] = ${r}; } }`);
        break;
      case 'filter':
        this.emit(`if (!Array.isArray(${items})) ${t} = []; else { ${spend} const ${n} = ${items}.length; ${t} = []; for (let ${i} = 0; ${i} < ${n}; ${i}++) if (${i} in ${items}) { const ${x} = ${items}[${i}]; ${code} if (${test}) ${t}.push(${x}); } }`);
        break;
      case 'all':
        this.emit(`if (!Array.isArray(${items}) || !${items}.length) ${t} = false; else { ${spend} ${t} = true; for (let ${i} = 0; ${i} < ${items}.length; ${i}++) { const ${x} = ${items}[${i}]; ${code} if (!${test}) { ${t} = false; break; } } }`);
        this.bool(t);
        break;
      default: {
        const some = op === 'some';
        const h = `h${this.temps++}`;
        this.emit(`if (!Array.isArray(${items})) ${t} = ${!some}; else { ${spend} let ${h} = 0; for (let ${i} = 0; ${i} < ${items}.length; ${i}++) if (${i} in ${items}) { const ${x} = ${items}[${i}]; ${code} if (${test}) ${h}++; } ${t} = ${some ? `${h} > 0` : `${h} === 0`}; }`);
        this.bool(t);
      }
    }
    return t;
  }

  reduce(args: unknown[], argPath: (i: number) => string, path: string, data: string, top: boolean): string {
    const items = this.node(args[0], argPath(0), data, top);
    const initial = args.length > 2 ? this.node(args[2], argPath(2), data, top) : 'null';
    const t = this.temp();
    const x = `x${this.temps++}`;
    const body = new FunctionGen(this.pools, this.scope, this.traced, this.temps + 1000);
    const r = body.node(args[1], argPath(1), x, false);
    this.temps = body.temps;
    const fn = `(${x}) => { ${body.lines.join(' ')} return ${r}; }`;
    this.emit(`${t} = ${initial};`);
    this.emit(`if (Array.isArray(${items})) { SPEND(c, ${items}.length, ${this.text(path)}); const f = ${fn}; for (const current of ${items}) ${t} = f({ current, accumulator: ${t} }); }`);
    return t;
  }

  object(map: unknown, path: string, data: string, top: boolean): string | null {
    if (map === null || typeof map !== 'object' || Array.isArray(map)) return null;
    const entries = Object.entries(map as Record<string, unknown>);
    if (entries.some(([k]) => k === '__proto__' || k === 'constructor' || k === 'prototype')) return null;
    const values = entries.map(([k, v]) => this.node(v, `${path}/${pointerSegment(k)}`, data, top));
    const t = this.temp();
    this.emit(`${t} = {};`);
    entries.forEach(([k], i) => this.emit(`${t}[${JSON.stringify(k)}] = ${values[i]};`));
    return t;
  }

  /**
   * {"table": [name, {input: expression, ...}, column?]} with a literal name and inputs map: the
   * inputs evaluated in order, the rows' cells tested inline as the compiled table tests them
   * (tables.ts compileCell: same order, same comparisons), the answer made by the table
   * operator's own tableValue, and the lookup inside try/LOC as the operator is. Null for any
   * other shape (the operator is called).
   */
  table(args: unknown[], argPath: (i: number) => string, path: string, data: string, top: boolean): string | null {
    if (args.length < 2 || args.length > 3 || typeof args[0] !== 'string') return null;
    const table = this.scope.table?.(args[0]) ?? null;
    const shape = table?.shape;
    if (!shape || !isInputsMap(args[1], this.scope.tableInputs(args[0]))) return null;
    const map = args[1] as Record<string, unknown>;
    const keys = Object.keys(map);
    const values = new Map<string, string>();
    keys.forEach((k) => values.set(k, this.node(map[k], `${argPath(1)}/${pointerSegment(k)}`, data, top)));
    const column = args.length === 3 ? this.node(args[2], argPath(2), data, top) : 'undefined';
    const cellCode = (x: string, cell: unknown): string | null => {
      if (cell === undefined || cell === '-') return 'true';
      if (cell === null || typeof cell !== 'object') return `${x} === ${this.constant(cell)}`;
      const tests: string[] = [];
      for (const [k, bound] of Object.entries(cell as Record<string, unknown>)) {
        // Bounds as the policy schema has them (primitives; arrays of them for in/notIn), else the operator.
        if (k === 'in' || k === 'notIn' ? !Array.isArray(bound) : bound !== null && typeof bound === 'object') return null;
        const b = this.constant(bound);
        const type = JSON.stringify(typeof bound);
        switch (k) {
          case '<': case '<=': case '>': case '>=': tests.push(`(typeof ${x} === ${type} && ${x} ${k} ${b})`); break;
          case '==': tests.push(`${x} === ${b}`); break;
          case '!=': tests.push(`${x} !== ${b}`); break;
          case 'in': tests.push(`${b}.includes(${x})`); break;
          case 'notIn': tests.push(`!${b}.includes(${x})`); break;
          default: return null;
        }
      }
      return tests.length ? tests.join(' && ') : 'true';
    };
    // Without an output column, tableValue(hit, undefined) of a row whose outputs have a literal
    // copier is that copier's call: the rows give their copiers and the lookup calls one.
    const copierOf = (hit: TableHit): (() => unknown) | undefined => {
      const outputs = hit.outputs as unknown;
      return outputs !== null && typeof outputs === 'object' ? hit.copiers?.get(outputs) : undefined;
    };
    const direct = column === 'undefined' && shape.rows.every((row) => copierOf(row.hit)) && (shape.fallback === null || copierOf(shape.fallback) !== undefined);
    const answer = (hit: TableHit) => this.constant(direct ? copierOf(hit) : hit);
    const rows: string[] = [];
    for (const row of shape.rows) {
      const conds: string[] = [];
      for (const [name, cell] of row.cells) {
        const code = cellCode(values.get(name) ?? 'null', cell);
        if (code === null) return null;
        conds.push(`(${code})`);
      }
      rows.push(`if (${conds.length ? conds.join(' && ') : 'true'}) h = ${answer(row.hit)};`);
    }
    const fallback = shape.fallback ? answer(shape.fallback) : 'null';
    const t = this.temp();
    const at = this.text(path);
    let value: string;
    if (direct) value = 'h()';
    else {
      this.pools.FN.push(tableValue as never);
      value = `FN[${this.pools.FN.length - 1}](h, ${column})`;
    }
    this.emit(`try { let h = ${fallback}; ${rows.length ? rows.join(' else ') + ' else' : ''} { } ${t} = h === null ? null : ${value}; } catch (e) { throw LOC(e, ${at}); }`);
    return t;
  }

  inputsMap(map: Record<string, unknown>, path: string, data: string, top: boolean): string {
    const keys = Object.keys(map);
    const values = keys.map((k) => this.node(map[k], `${path}/${pointerSegment(k)}`, data, top));
    const t = this.temp();
    this.emit(`${t} = ${keys.includes('__proto__') ? 'Object.create(null)' : '{}'};`);
    keys.forEach((k, i) => this.emit(`${t}[${JSON.stringify(k)}] = ${values[i]};`));
    return t;
  }
}

/* eslint-disable eqeqeq */
/**
 * The hot standard operators inline, computing exactly what compiler.ts's compileStandard
 * closures (and the registry's fns) compute; null to call the registry's fn.
 */
function standard(op: string, v: string[], g: FunctionGen): string | null {
  const n = v.length;
  const [a, b, c3] = v;
  const bin = (expr: string) => {
    const t = g.temp();
    g.emit(`${t} = ${expr};`);
    return t;
  };
  /** bin() for an operator whose result is always a boolean. */
  const test = (expr: string) => g.bool(bin(expr));
  switch (op) {
    case '===': return n === 2 ? test(`${a} === ${b}`) : null;
    case '!==': return n === 2 ? test(`${a} !== ${b}`) : null;
    case '==': return n === 2 ? test(`${a} == ${b}`) : null;
    case '!=': return n === 2 ? test(`${a} != ${b}`) : null;
    case '>': return n === 2 ? test(`${a} > ${b}`) : null;
    case '>=': return n === 2 ? test(`${a} >= ${b}`) : null;
    case '<':
      if (n === 2) return test(`${a} < ${b}`);
      if (n === 3) return test(`${c3} === undefined ? ${a} < ${b} : ${a} < ${b} && ${b} < ${c3}`);
      return null;
    case '<=':
      if (n === 2) return test(`${a} <= ${b}`);
      if (n === 3) return test(`${c3} === undefined ? ${a} <= ${b} : ${a} <= ${b} && ${b} <= ${c3}`);
      return null;
    case '!': return n === 1 ? test(`!${g.truth(a!)}`) : null;
    case '!!': return n === 1 ? test(g.truth(a!)) : null;
    case 'in':
      return n === 2 ? test(`!${b} || typeof ${b}.indexOf !== 'function' ? false : ${b}.indexOf(${a}) !== -1`) : null;
    case '+':
      if (n === 1) return bin(`parseFloat(0) + parseFloat(${a})`);
      if (n === 2) return bin(`parseFloat(parseFloat(0) + parseFloat(${a})) + parseFloat(${b})`);
      return null;
    case '*':
      if (n === 2) return bin(`parseFloat(${a}) * parseFloat(${b})`);
      if (n === 3) return bin(`parseFloat(parseFloat(${a}) * parseFloat(${b})) * parseFloat(${c3})`);
      return null;
    case '-':
      if (n === 2) return bin(`${b} === undefined ? -${a} : ${a} - ${b}`);
      if (n === 1) return bin(`-${a}`);
      return null;
    case '/': return n === 2 ? bin(`${a} / ${b}`) : null;
    case '%': return n === 2 ? bin(`${a} % ${b}`) : null;
    default: return null;
  }
}
/* eslint-enable eqeqeq */

/**
 * Generates one function per expression (frame mode only: scope.slot must be set), or null when
 * the platform refuses `new Function`: the expression generator of generatePhases on its own,
 * with the trace's records, which test/engine/codegen.test.ts compares with the closures. The expressions must have compiled as closures first
 * (which reports every compile problem); generation then cannot fail on the document.
 */
export function generateExpressions(exprs: ReadonlyArray<{ node: unknown; path: string }>, scope: CompileScope): Compiled[] | null {
  if (!scope.slot) return null;
  const pools: Pools = { K: [], FN: [], C: [] };
  const bodies = exprs.map(({ node, path }) => {
    const g = new FunctionGen(pools, scope);
    const r = g.node(node, path, 'd', true);
    return `function (d, c) { const F = c.root; ${g.lines.join(' ')} return ${r}; }`;
  });
  // sourceURL: profiles and stack traces name the generated code.
  const source = `${compactSource(`"use strict"; return [\n${bodies.join(',\n')}\n];`)}\n//# sourceURL=policy-expressions.generated.js`;
  let make: (...args: unknown[]) => Compiled[];
  try {
    make = new Function('K', 'FN', 'C', 'T', 'HAS', 'RP', 'SPEND', 'LOC', 'PROTO', 'OP', source) as typeof make;
  } catch {
    return null;
  }
  return make(pools.K, pools.FN, pools.C, helpers.T, helpers.HAS, helpers.RP, helpers.SPEND, helpers.LOC, helpers.PROTO, helpers.OP);
}

/** The phases of a policy as run without a trace: one function per phase, no loops over lists of closures. */
export interface PhaseProgram {
  /** Runs the order-level derived values into the frame. */
  mainLets(F: unknown[], c: EvalContext): void;
  /** Gives the list `each.over` names (not checked to be an array), null when the policy has no items. */
  over: ((F: unknown[], c: EvalContext) => unknown) | null;
  /** Runs an item's derived values and first-match rules: the item's decision. */
  item: ((F: unknown[], c: EvalContext) => Record<string, unknown>) | null;
  /** Runs the totals into the frame. */
  totals(F: unknown[], c: EvalContext): void;
  /** Runs the order-level rules: the decision, with the items under `each.into` when the policy has items. */
  decide(F: unknown[], c: EvalContext, items: unknown): Record<string, unknown>;
}

interface PhaseShape {
  lets: ReadonlyArray<{ fn: Compiled }>;
  rules: ReadonlyArray<{ id: string; path: string; when: Compiled | null; fields: readonly string[]; values: readonly Compiled[] }>;
}

/**
 * Generates the phases of a policy in frame mode for evaluations without a trace: derived values
 * written to their slots in order, rules tried in order, and the matched outcome built as an
 * object literal (its fields in the order of the document, each copied, then the items, then
 * `rule`), as evaluate.ts's run does step by step. Small expressions (`sites` gives each
 * compiled function's JSON-logic) are generated inline, without the trace's records; larger
 * ones are called. Null when a key would be special in an object literal ("__proto__") or
 * `new Function` is refused: the caller keeps its loop.
 */
export function generatePhases(
  main: PhaseShape,
  each: (PhaseShape & { into: string; over: Compiled }) | null,
  totals: ReadonlyArray<{ fn: Compiled }>,
  slots: { mainLets: readonly number[]; eachLets: readonly number[]; totals: readonly number[] },
  ruleField: string,
  copy: (value: unknown, budget?: { steps: number }) => unknown,
  sites: ReadonlyMap<Compiled, { node: unknown; path: string }>,
  scope: CompileScope,
): PhaseProgram | null {
  const pools: Pools = { K: [], FN: [], C: [] };
  const keys = [ruleField, ...(each ? [each.into] : []), ...[main, ...(each ? [each] : [])].flatMap((p) => p.rules.flatMap((r) => r.fields))];
  if (keys.includes('__proto__')) return null;
  /** Larger expressions: functions of their own in the same source, called from the phases. */
  const functions: string[] = [];
  let temps = 0;
  /**
   * Statements computing one expression into a fresh variable; returns [statements, variable or
   * literal, whether it is known to hold a boolean].
   */
  const value = (fn: Compiled): [string, string, boolean] => {
    const site = sites.get(fn);
    if (!site) {
      // Not from the document's expressions (cannot happen): the closure itself.
      pools.C.push(fn);
      const t = `t${temps++}`;
      return [`let ${t} = C[${pools.C.length - 1}](F, c);`, t, false];
    }
    const g = new FunctionGen(pools, scope, false, temps);
    const r = g.node(site.node, site.path, 'F', true);
    const code = g.lines.join(' ');
    if (code.length <= INLINE_LIMIT && !code.includes('=>')) {
      temps = g.used;
      return [code, r, g.isBool(r)];
    }
    const own = new FunctionGen(pools, scope, false);
    const result = own.node(site.node, site.path, 'F', true);
    functions.push(`function X${functions.length}(F, c) { ${own.lines.join(' ')} return ${result}; }`);
    const t = `t${temps++}`;
    return [`let ${t} = X${functions.length - 1}(F, c);`, t, own.isBool(result)];
  };
  /**
   * A decision field's value as CP copies it: copy() gives a primitive back as it is and spends
   * no budget on it, so only a value that may be an object goes through CP.
   */
  const field = (v: string, isBool: boolean, path: string): string => {
    // Literals constant() writes for primitives: null, true, false, a JSON string, a number in parentheses.
    if (isBool || v === 'null' || v.startsWith('"') || /^\(-?[0-9][0-9.e+-]*\)$/.test(v)) return v;
    const at = JSON.stringify(path);
    return /^t[0-9]+$/.test(v) ? `(typeof ${v} === "object" && ${v} !== null ? CP(${v}, c, ${at}) : ${v})` : `CP(${v}, c, ${at})`;
  };
  const lets = (list: ReadonlyArray<{ fn: Compiled }>, at: readonly number[]) =>
    list.map((d, i) => {
      const [code, r] = value(d.fn);
      return `{ ${code} F[${at[i]!}] = ${r}; }`;
    }).join('\n');
  const rules = (phase: PhaseShape, extra: string | null) =>
    phase.rules.map((r) => {
      const parts = r.fields.map((k, i) => [k, ...value(r.values[i]!)] as const);
      const fields = parts.map(([k, , v, isBool]) => `${JSON.stringify(k)}: ${field(v, isBool, `${r.path}/then/${pointerSegment(k)}`)}`);
      if (extra !== null) fields.push(`${JSON.stringify(extra)}: X`);
      fields.push(`${JSON.stringify(ruleField)}: ${JSON.stringify(r.id)}`);
      const outcome = `{ ${parts.map(([, code]) => code).join(' ')} return { ${fields.join(', ')} }; }`;
      if (r.when === null) return outcome;
      const [code, cond, isBool] = value(r.when);
      return `{ ${code} if (${isBool ? cond : truthCode(cond)}) ${outcome} }`;
    }).join('\n') + `\nthrow NONE();`;
  const mainLets = lets(main.lets, slots.mainLets);
  const item = each ? `function (F, c) {\n${lets(each.lets, slots.eachLets)}\n${rules(each, null)}\n}` : 'null';
  const over = each ? (([code, r]) => `function (F, c) { ${code} return ${r}; }`)(value(each.over)) : 'null';
  const totalLets = lets(totals, slots.totals);
  const decide = rules(main, each ? each.into : null);
  const source = `${compactSource(`"use strict";
${functions.join('\n')}
return {
mainLets: function (F, c) {\n${mainLets}\n},
over: ${over},
item: ${item},
totals: function (F, c) {\n${totalLets}\n},
decide: function (F, c, X) {\n${decide}\n},
};`)}
//# sourceURL=policy-phases.generated.js`;
  try {
    const make = new Function('K', 'FN', 'C', 'T', 'HAS', 'RP', 'SPEND', 'LOC', 'CP', 'NONE', 'PROTO', 'OP', source) as (...args: unknown[]) => PhaseProgram;
    return make(pools.K, pools.FN, pools.C, helpers.T, helpers.HAS, helpers.RP, helpers.SPEND, helpers.LOC, budgetedCopy(copy), noRuleMatched, helpers.PROTO, helpers.OP);
  } catch {
    return null;
  }
}

/**
 * The fault of a phase whose rules all fail (unreachable: `otherwise` matches). Made here: a
 * closure made in generatePhases would keep its context, and with it every closure of the
 * policy's expressions (the sites), as long as the generated program lives.
 */
function noRuleMatched(): EvalFault {
  return new EvalFault('', 'no rule matched');
}

/** A decision field's copy spending the evaluation's budget (json-copy.ts copy); a fault names the field. */
function budgetedCopy(copy: (value: unknown, budget?: { steps: number }) => unknown) {
  return (value: unknown, c: EvalContext, path: string): unknown => {
    try {
      return copy(value, c.env.budget);
    } catch (err) {
      if (err instanceof BudgetError) throw new EvalFault(path, err.message, true);
      throw err;
    }
  };
}

/**
 * Expressions whose generated code is at most this long are inlined into the phases (700 before
 * property reads were written out with their ownness test, readSegments: 1,000 inlines about as
 * many expressions as then).
 */
const INLINE_LIMIT = 1000;
