/**
 * The values an expression can take, for the table analysis: read from the input schema
 * (enums, booleans, integer ranges, whether a field may be absent and so read as null) through
 * `let` names, `item` and `if`, and from the operators that always give a boolean.
 *
 * A Domain has a *sure* part (values some valid input produces: the schema allows them) and
 * says whether other values may occur (`open`). Gaps are only claimed on sure values; dead
 * rows only when the over-approximation (sure values, or anything at all when open) proves it.
 */
import { isRecord } from '../expression-sites.ts';
import { truthy } from '../operators/standard.ts';
import { isLiteral, paramValue } from './conditions.ts';
import type { Lit } from './conditions.ts';
import type { NumRange } from './numbers.ts';

export type { NumRange } from './numbers.ts';

export interface Domain {
  values: Lit[];
  /** Every number of the range is possible (integers only when `integer`). */
  num?: NumRange;
  /** Values beyond `values` and `num` may occur. */
  open: boolean;
}

export const ANY: Domain = { values: [], open: true };
const BOOL: Domain = { values: [true, false], open: false };

/** Finds a schema by its $id (the registry's, see schemas.ts). */
export type SchemaLookup = (id: string) => object | undefined;

/** One schema object and the $id its relative $refs resolve against. */
interface Located {
  schema: Record<string, unknown>;
  base: string;
}

/** A set of schemas that all apply to one value (allOf branches and $ref targets flattened). */
export interface SchemaView {
  parts: Located[];
  /** The value may be absent (then read as null). */
  optional: boolean;
}

const MAX_REFS = 32;

function resolve(ref: string, base: string, lookup: SchemaLookup): Located | null {
  let url: URL;
  try {
    url = new URL(ref, `schema:/${base}`);
  } catch {
    return null;
  }
  const id = url.pathname.replace(/^\//, '');
  let node: unknown = lookup(id);
  for (const raw of decodeURIComponent(url.hash.replace(/^#/, '')).split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : undefined;
  }
  return isRecord(node) ? { schema: node, base: id } : null;
}

/** Flattens $ref and allOf; anyOf/oneOf/if make the view unknowable (null). */
function flatten(loc: Located, lookup: SchemaLookup, out: Located[], budget: { refs: number }): boolean {
  const s = loc.schema;
  if (s.anyOf !== undefined || s.oneOf !== undefined || s.if !== undefined || s.not !== undefined || s.$dynamicRef !== undefined) return false;
  out.push(loc);
  if (typeof s.$ref === 'string') {
    if (--budget.refs < 0) return false;
    const target = resolve(s.$ref, loc.base, lookup);
    if (!target || !flatten(target, lookup, out, budget)) return false;
  }
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) if (!isRecord(part) || !flatten({ schema: part, base: loc.base }, lookup, out, budget)) return false;
  }
  return true;
}

export function viewOf(schema: unknown, base: string, lookup: SchemaLookup, optional = false): SchemaView | null {
  if (!isRecord(schema)) return null;
  const parts: Located[] = [];
  return flatten({ schema, base }, lookup, parts, { refs: MAX_REFS }) ? { parts, optional } : null;
}

export function property(view: SchemaView | null, name: string, lookup: SchemaLookup): SchemaView | null {
  if (!view) return null;
  const subs = view.parts.flatMap((p) => (isRecord(p.schema.properties) && isRecord(p.schema.properties[name]) ? [{ schema: p.schema.properties[name] as Record<string, unknown>, base: p.base }] : []));
  if (subs.length === 0) return null;
  const required = view.parts.some((p) => Array.isArray(p.schema.required) && p.schema.required.includes(name));
  const parts: Located[] = [];
  for (const s of subs) if (!flatten(s, lookup, parts, { refs: MAX_REFS })) return null;
  return { parts, optional: view.optional || !required };
}

export function items(view: SchemaView | null, lookup: SchemaLookup): SchemaView | null {
  if (!view) return null;
  const subs = view.parts.flatMap((p) => (isRecord(p.schema.items) ? [{ schema: p.schema.items as Record<string, unknown>, base: p.base }] : []));
  if (subs.length === 0) return null;
  const parts: Located[] = [];
  for (const s of subs) if (!flatten(s, lookup, parts, { refs: MAX_REFS })) return null;
  return { parts, optional: false };
}

/** What the schemas of a view allow for the value (an absent optional value reads as `absent`). */
export function domainOfView(view: SchemaView | null, absent: Domain = { values: [null], open: false }): Domain {
  if (!view) return ANY;
  let values: Lit[] | null = null;
  let types: Set<string> | null = null;
  const range: NumRange = { integer: false, lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };
  for (const { schema: s } of view.parts) {
    if (Object.hasOwn(s, 'const')) {
      if (!isLiteral(s.const)) return ANY;
      values = values ? values.filter((v) => v === s.const) : [s.const];
    }
    if (Array.isArray(s.enum)) {
      if (!s.enum.every(isLiteral)) return ANY;
      const e = s.enum as Lit[];
      values = values ? values.filter((v) => e.includes(v)) : [...e];
    }
    if (s.type !== undefined) {
      const t = new Set((Array.isArray(s.type) ? s.type : [s.type]).map(String));
      const prev: Set<string> | null = types;
      types = prev ? new Set([...prev].filter((x: string) => t.has(x) || (x === 'integer' && t.has('number')))) : t;
      if (t.has('integer') && !t.has('number')) range.integer = true;
    }
    if (typeof s.minimum === 'number' && s.minimum >= range.lo) Object.assign(range, { lo: s.minimum, loIn: true });
    if (typeof s.exclusiveMinimum === 'number' && s.exclusiveMinimum >= range.lo) Object.assign(range, { lo: s.exclusiveMinimum, loIn: false });
    if (typeof s.maximum === 'number' && s.maximum <= range.hi) Object.assign(range, { hi: s.maximum, hiIn: true });
    if (typeof s.exclusiveMaximum === 'number' && s.exclusiveMaximum <= range.hi) Object.assign(range, { hi: s.exclusiveMaximum, hiIn: false });
  }
  const withAbsent = (d: Domain): Domain => (view.optional ? union(d, absent) : d);
  const typeOk = (v: Lit) => types === null || types.has(v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v) || (typeof v === 'number' && types.has('number'));
  if (values) return withAbsent({ values: values.filter(typeOk), open: false });
  if (!types) return withAbsent(ANY);
  const out: Domain = { values: [], open: false };
  for (const t of types) {
    if (t === 'boolean') out.values.push(true, false);
    else if (t === 'null') out.values.push(null);
    else if (t === 'number' || t === 'integer') out.num = range;
    else out.open = true;
  }
  return withAbsent(out);
}

export function union(a: Domain, b: Domain): Domain {
  const values = [...a.values];
  for (const v of b.values) if (!values.includes(v)) values.push(v);
  const out: Domain = { values, open: a.open || b.open };
  if (a.num && b.num) {
    // Two ranges: their hull would claim numbers in between as sure; keep the first, mark open.
    out.num = a.num;
    if (JSON.stringify(a.num) !== JSON.stringify(b.num)) out.open = true;
  } else if (a.num || b.num) out.num = a.num ?? b.num;
  return out;
}

/** Operators whose result is always true or false. */
const BOOLEAN_OPS = new Set(['!', '!!', '==', '===', '!=', '!==', '<', '<=', '>', '>=', 'in', 'all', 'some', 'none', 'isBefore', 'isOnOrBefore']);

/** Names visible to an expression: derived values (with the scope they are evaluated in), the item's schema, the input's. */
export interface DomainScope {
  lets: ReadonlyMap<string, { value: unknown; scope: DomainScope }>;
  input: SchemaView | null;
  item: SchemaView | null;
  params: Record<string, unknown>;
  lookup: SchemaLookup;
  /** Names the engine puts in scope over the input's (the per-item results `items`, `itemIndex`): unknown values. */
  engineNames?: ReadonlySet<string>;
  /** Domains of derived values already worked out (a chain of `if`s over earlier values would otherwise be followed exponentially often). */
  memo?: Map<string, Domain>;
}

/**
 * The values of an expression. With fixedParams false a param is not taken at its current
 * value (a param is a switch staff turn: a rule it turns off is meant, not a finding).
 */
export function domainOf(expr: unknown, scope: DomainScope, depth = 0, fixedParams = true): Domain {
  if (depth > 400) return ANY; // derived values (at most 200) each followed once (memo), plus their nesting
  if (isLiteral(expr)) return { values: [expr], open: false };
  if (!isRecord(expr)) return ANY;
  const keys = Object.keys(expr);
  if (keys.length !== 1) return ANY;
  const op = keys[0]!;
  const a = Array.isArray(expr[op]) ? (expr[op] as unknown[]) : [expr[op]];
  if (BOOLEAN_OPS.has(op)) return BOOL;
  if (op === 'and' || op === 'or') {
    const parts = a.map((x) => domainOf(x, scope, depth + 1, fixedParams));
    return parts.length > 0 && parts.every((d) => !d.open && !d.num && d.values.every((v) => typeof v === 'boolean')) ? BOOL : ANY;
  }
  if (op === 'if' || op === '?:') {
    if (a.length < 2) return ANY;
    // Each branch counts as reachable unless its condition is a literal (then it is taken or skipped).
    const branches: unknown[] = [];
    let decided = false;
    for (let i = 0; i + 1 < a.length && !decided; i += 2) {
      const c = a[i];
      if (isLiteral(c) || Array.isArray(c)) {
        if (truthy(c)) { branches.push(a[i + 1]); decided = true; }
      } else branches.push(a[i + 1]);
    }
    if (!decided) branches.push(a.length % 2 === 1 ? a[a.length - 1] : null);
    return branches.map((b) => domainOf(b, scope, depth + 1, fixedParams)).reduce(union);
  }
  if (op === 'var') return varDomain(a, scope, depth, fixedParams);
  return ANY;
}

function varDomain(a: unknown[], scope: DomainScope, depth: number, fixedParams: boolean): Domain {
  const path = a[0];
  if (typeof path !== 'string' || path === '' || a.length > 2) return ANY;
  const fallback: Domain = a.length === 2 ? domainOf(a[1], scope, depth + 1, fixedParams) : { values: [null], open: false };
  const param = paramValue({ var: path }, scope.params);
  if (param) return fixedParams && isLiteral(param.value) ? { values: [param.value], open: false } : ANY;
  if (path === 'params' || path.startsWith('params.')) return ANY;
  const [head, ...rest] = path.split('.');
  const let_ = scope.lets.get(head!);
  if (let_) {
    if (rest.length === 0) {
      const memo = (let_.scope.memo ??= new Map());
      const key = `${head}\u0000${fixedParams}`;
      let d = memo.get(key);
      if (!d) memo.set(key, (d = domainOf(let_.value, let_.scope, depth + 1, fixedParams)));
      return d;
    }
    // A path into a derived value: only followed through an alias of another read.
    const v = let_.value;
    if (isRecord(v) && Object.keys(v).length === 1 && typeof v.var === 'string') return varDomain([`${v.var}.${rest.join('.')}`, ...a.slice(1)], let_.scope, depth + 1, fixedParams);
    return ANY;
  }
  if (scope.engineNames?.has(head!)) return ANY;
  let view: SchemaView | null = head === 'item' ? scope.item : property(scope.input, head!, scope.lookup);
  if (head === 'item' && !scope.item) return ANY;
  for (const segment of rest) view = property(view, segment, scope.lookup);
  return domainOfView(view, fallback);
}
