/**
 * Conditions as propositions, for the static analysis: a `when` becomes a disjunction of
 * conjunctions (DNF) of literals, each literal an atom about one term (an expression such as
 * `{"var": "daysSinceDelivery"}`) and a polarity. `implied(clause, literal)` says what the
 * clause forces the literal to be: true, false, or unknown. Everything here errs towards
 * "unknown": the analysis only claims what holds for every possible input.
 *
 * Semantics are json-logic-js's: `<` against a number literal compares Number(term) (NaN
 * satisfies nothing), so `x < 20` implies `x < 30` for any x; `==`/`===` against a literal;
 * `in` against a literal array is strict membership; truthiness as json-logic's (an empty
 * array is falsy).
 *
 * @example
 *   const c = toDnf({ and: [{ '<': [{ var: 'x' }, 20] }, { var: 'y' }] }, ctx);   // [[x∈(-∞,20), y]]
 *   implied(c![0]!, toDnf({ '<': [{ var: 'x' }, 30] }, ctx)![0]![0]!);              // true
 */
import { truthy } from '../operators/standard.ts';
import { isRecord } from '../expression-sites.ts';
import { numberReps } from './numbers.ts';
import type { NumRange } from './numbers.ts';

export type Lit = string | number | boolean | null;

export type Atom =
  | { kind: 'num'; term: string; lo: number; loIn: boolean; hi: number; hiIn: boolean }
  | { kind: 'eq'; term: string; value: Lit; strict: boolean }
  | { kind: 'in'; term: string; values: Lit[] }
  | { kind: 'prop'; key: string };

export interface Literal {
  atom: Atom;
  neg: boolean;
}

/** A conjunction of literals; the empty clause is `true`. */
export type Clause = Literal[];
/** A disjunction of clauses; `[]` is `false`, `[[]]` is `true`. */
export type Dnf = Clause[];

export interface ConditionContext {
  /** The document's params, for `{"var": "params.x"}` in comparisons. */
  params: Record<string, unknown>;
}

const MAX_CLAUSES = 64;

/** A stable text of an expression (object keys sorted; `{"var": ["x"]}` is `{"var": "x"}`). */
export function canonical(expr: unknown): string {
  if (Array.isArray(expr)) return `[${expr.map(canonical).join(',')}]`;
  if (isRecord(expr)) {
    const keys = Object.keys(expr);
    if (keys.length === 1 && keys[0] === 'var') {
      const a = expr.var;
      const path = Array.isArray(a) && a.length === 1 ? a[0] : a;
      if (typeof path === 'string' || typeof path === 'number') return `var(${String(path)})`;
    }
    return `{${keys.sort().map((k) => `${JSON.stringify(k)}:${canonical(expr[k])}`).join(',')}}`;
  }
  return JSON.stringify(expr) ?? 'undefined';
}

export function isLiteral(v: unknown): v is Lit {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The literal a param read stands for (the document's value), or undefined. */
export function paramValue(expr: unknown, params: Record<string, unknown>): { value: unknown } | undefined {
  if (!isRecord(expr) || Object.keys(expr).length !== 1 || !Object.hasOwn(expr, 'var')) return undefined;
  const a = Array.isArray(expr.var) ? (expr.var.length === 1 ? expr.var[0] : undefined) : expr.var;
  if (typeof a !== 'string' || !a.startsWith('params.')) return undefined;
  let value: unknown = params;
  for (const segment of a.slice('params.'.length).split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return { value };
}

/** A literal, or a param whose value is one. */
function constant(expr: unknown, ctx: ConditionContext): { value: unknown } | undefined {
  if (isLiteral(expr)) return { value: expr };
  return paramValue(expr, ctx.params);
}

const args = (node: Record<string, unknown>, op: string): unknown[] => {
  const a = node[op];
  return Array.isArray(a) ? a : [a];
};

const prop = (expr: unknown, neg: boolean): Dnf => [[{ atom: { kind: 'prop', key: canonical(expr) }, neg }]];

function and(a: Dnf | null, b: Dnf | null): Dnf | null {
  if (!a || !b) return null;
  const out: Dnf = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out.length > MAX_CLAUSES ? null : out;
}

function or(a: Dnf | null, b: Dnf | null): Dnf | null {
  if (!a || !b) return null;
  const out = [...a, ...b];
  return out.length > MAX_CLAUSES ? null : out;
}

/**
 * The DNF of an expression's truthiness (or of its negation with neg). Never null: an
 * expression too large to expand becomes one opaque atom, which still matches itself.
 */
export function toDnf(expr: unknown, ctx: ConditionContext, neg = false): Dnf {
  return expand(expr, ctx, neg) ?? prop(expr, neg);
}

function expand(expr: unknown, ctx: ConditionContext, neg: boolean): Dnf | null {
  if (!isRecord(expr)) return truthy(expr) !== neg ? [[]] : [];
  const keys = Object.keys(expr);
  if (keys.length !== 1) return prop(expr, neg);
  const op = keys[0]!;
  const a = args(expr, op);
  switch (op) {
    case '!':
      return a.length === 1 ? expand(a[0], ctx, !neg) : prop(expr, neg);
    case '!!':
      return a.length === 1 ? expand(a[0], ctx, neg) : prop(expr, neg);
    case 'and':
    case 'or': {
      if (a.length === 0) return prop(expr, neg);
      // and: all truthy; not-and: any falsy (De Morgan), and the mirror for or.
      const conj = (op === 'and') !== neg;
      let acc: Dnf | null = conj ? [[]] : [];
      for (const x of a) acc = conj ? and(acc, expand(x, ctx, neg)) : or(acc, expand(x, ctx, neg));
      return acc;
    }
    case '<': case '<=': case '>': case '>=':
      return comparison(expr, op, a, ctx, neg);
    case '==': case '===': case '!=': case '!==': {
      if (a.length !== 2) return prop(expr, neg);
      const strict = op.length === 3;
      const negated = (op[0] === '!') !== neg;
      const [l, r] = [constant(a[0], ctx), constant(a[1], ctx)];
      const side = l && !r && isLiteral(l.value) ? { term: a[1], value: l.value } : r && !l && isLiteral(r.value) ? { term: a[0], value: r.value } : null;
      if (!side) return prop({ [strict ? '===' : '==']: a }, negated);
      return [[{ atom: { kind: 'eq', term: canonical(side.term), value: side.value as Lit, strict }, neg: negated }]];
    }
    case 'in': {
      const hay = a.length !== 2 ? undefined : Array.isArray(a[1]) ? { value: a[1] } : constant(a[1], ctx);
      if (!hay || !Array.isArray(hay.value) || !hay.value.every(isLiteral) || constant(a[0], ctx)) return prop(expr, neg);
      return [[{ atom: { kind: 'in', term: canonical(a[0]), values: hay.value as Lit[] }, neg }]];
    }
    default:
      return prop(expr, neg);
  }
}

const FULL = { lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };

/** `{"<": [x, 30]}`, `{">=": [30, x]}` and the between form `{"<": [0, x, 30]}` on number literals (or params). */
function comparison(expr: Record<string, unknown>, op: string, a: unknown[], ctx: ConditionContext, neg: boolean): Dnf | null {
  const strict = op === '<' || op === '>';
  const less = op[0] === '<';
  const num = (e: unknown): number | null => {
    const c = constant(e, ctx);
    return c && typeof c.value === 'number' && Number.isFinite(c.value) ? c.value : null;
  };
  const bound = (term: unknown, value: number, termIsLeft: boolean): Literal => {
    // term < v (term on the left of "<"), or v < term.
    const upper = termIsLeft === less;
    const iv = upper ? { ...FULL, hi: value, hiIn: !strict } : { ...FULL, lo: value, loIn: !strict };
    return { atom: { kind: 'num', term: canonical(term), ...iv }, neg };
  };
  if (a.length === 2) {
    const [l, r] = [num(a[0]), num(a[1])];
    if (l === null && r !== null && !constant(a[0], ctx)) return [[bound(a[0], r, true)]];
    if (r === null && l !== null && !constant(a[1], ctx)) return [[bound(a[1], l, false)]];
    return prop(expr, neg);
  }
  if (a.length === 3 && less) {
    const [lo, hi] = [num(a[0]), num(a[2])];
    if (lo === null || hi === null || constant(a[1], ctx)) return prop(expr, neg);
    const both = [bound(a[1], lo, false), bound(a[1], hi, true)];
    return neg ? [[both[0]!], [both[1]!]] : [both];
  }
  return prop(expr, neg);
}

// ---- implication ----

type Interval = { lo: number; loIn: boolean; hi: number; hiIn: boolean };

function meet(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loIn: a.loIn && b.loIn };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiIn: a.hiIn && b.hiIn };
  return { lo: lo.lo, loIn: lo.loIn, hi: hi.hi, hiIn: hi.hiIn };
}

function isEmpty(i: Interval): boolean {
  return i.lo > i.hi || (i.lo === i.hi && !(i.loIn && i.hiIn));
}

function within(inner: Interval, outer: Interval): boolean {
  if (isEmpty(inner)) return true;
  const loOk = inner.lo > outer.lo || (inner.lo === outer.lo && (outer.loIn || !inner.loIn));
  const hiOk = inner.hi < outer.hi || (inner.hi === outer.hi && (outer.hiIn || !inner.hiIn));
  return loOk && hiOk;
}

function contains(i: Interval, v: number): boolean {
  return (v > i.lo || (v === i.lo && i.loIn)) && (v < i.hi || (v === i.hi && i.hiIn));
}

/** Where the clause puts Number(term), from its positive `<`-family and numeric equality literals. */
function rangeOf(clause: Clause, term: string): Interval | null {
  let out: Interval | null = null;
  for (const { atom, neg } of clause) {
    if (neg || !('term' in atom) || atom.term !== term) continue;
    let iv: Interval | null = null;
    if (atom.kind === 'num') iv = atom;
    else if (atom.kind === 'eq' && typeof atom.value === 'number') iv = { lo: atom.value, loIn: true, hi: atom.value, hiIn: true };
    else if (atom.kind === 'in' && atom.values.length > 0 && atom.values.every((v) => typeof v === 'number')) {
      const nums = atom.values as number[];
      iv = { lo: Math.min(...nums), loIn: true, hi: Math.max(...nums), hiIn: true };
    }
    if (iv) out = out ? meet(out, iv) : iv;
  }
  return out;
}

/** The values the clause pins the term to exactly (strict equality or `in`), or null. */
function valuesOf(clause: Clause, term: string): Lit[] | null {
  let out: Lit[] | null = null;
  for (const { atom, neg } of clause) {
    if (neg || !('term' in atom) || atom.term !== term) continue;
    const vals = atom.kind === 'eq' && atom.strict ? [atom.value] : atom.kind === 'in' ? atom.values : null;
    if (vals) out = out ? out.filter((v) => vals.includes(v)) : [...vals];
  }
  return out;
}

const sameAtom = (a: Atom, b: Atom): boolean => canonicalAtom(a) === canonicalAtom(b);

const atomKeys = new WeakMap<Atom, string>();

export function canonicalAtom(a: Atom): string {
  let key = atomKeys.get(a);
  if (key === undefined) atomKeys.set(a, (key = atomKey(a)));
  return key;
}

function atomKey(a: Atom): string {
  switch (a.kind) {
    case 'prop': return `p:${a.key}`;
    case 'num': return `n:${a.term}:${a.loIn ? '[' : '('}${a.lo},${a.hi}${a.hiIn ? ']' : ')'}`;
    case 'eq': return `e:${a.strict ? 's' : 'l'}:${a.term}:${JSON.stringify(a.value)}`;
    case 'in': return `i:${a.term}:${JSON.stringify([...a.values].sort())}`;
  }
}

/** Whether an atom holds for a term pinned to exactly this value (undefined: depends). */
function atomOnValue(atom: Atom, v: Lit): boolean | undefined {
  switch (atom.kind) {
    case 'eq': return atom.strict ? v === atom.value : v == atom.value; // eslint-disable-line eqeqeq
    case 'in': return atom.values.includes(v);
    case 'num': {
      const n = Number(v);
      return Number.isNaN(n) ? false : contains(atom, n);
    }
    default: return undefined;
  }
}

/** What the atom is, given everything the clause says (true, false or undefined when unknown). */
function atomUnder(clause: Clause, atom: Atom): boolean | undefined {
  for (const l of clause) if (sameAtom(l.atom, atom)) return !l.neg;
  if (atom.kind === 'prop') return undefined;
  const term = atom.term;
  const pinned = valuesOf(clause, term);
  if (pinned) {
    const results = pinned.map((v) => atomOnValue(atom, v));
    if (results.every((r) => r === true)) return true;
    if (results.every((r) => r === false)) return false;
  }
  const range = rangeOf(clause, term);
  if (atom.kind === 'num') {
    if (range && within(range, atom)) return true;
    if (range && isEmpty(meet(range, atom))) return false;
    // not (term in I') with I inside I': not (term in I) either.
    for (const l of clause) if (l.neg && l.atom.kind === 'num' && l.atom.term === term && within(atom, l.atom)) return false;
    return undefined;
  }
  if (atom.kind === 'eq') {
    // term == v needs Number(term) = v when v is a number.
    if (typeof atom.value === 'number' && range && !contains(range, atom.value)) return false;
    for (const l of clause) {
      if (!l.neg || l.atom.kind !== 'eq' || l.atom.term !== term || l.atom.value !== atom.value) continue;
      // not (t == v) excludes t === v too; not (t === v) excludes only the strict one.
      if (!l.atom.strict || atom.strict) return false;
    }
    return undefined;
  }
  // in: excluded one by one by negative equalities, or by the range for numbers.
  const excluded = (v: Lit) =>
    clause.some((l) => l.neg && l.atom.kind === 'eq' && l.atom.term === term && l.atom.value === v) ||
    clause.some((l) => l.neg && l.atom.kind === 'in' && l.atom.term === term && l.atom.values.includes(v)) ||
    (typeof v === 'number' && range !== null && !contains(range, v));
  if (atom.values.every(excluded)) return false;
  for (const l of clause) if (!l.neg && l.atom.kind === 'in' && l.atom.term === term && l.atom.values.every((v) => atom.values.includes(v))) return true;
  return undefined;
}

/** Whether the clause forces the literal true, false, or neither (undefined). */
export function implied(clause: Clause, lit: Literal): boolean | undefined {
  const v = atomUnder(clause, lit.atom);
  return v === undefined ? undefined : v !== lit.neg;
}

/** A clause that no input can satisfy (e.g. `x < 10` and `x > 20`). */
export function contradictory(clause: Clause): boolean {
  return clause.some((lit, i) => implied([...clause.slice(0, i), ...clause.slice(i + 1)], lit) === false);
}

const MAX_UNKNOWN_ATOMS = 12;
const MAX_ASSIGNMENTS = 4096;

/**
 * The values a term (a canonical expression such as `var(request.reason)`) can take, when the
 * input schema says: a few literals (an enum, a boolean, null when it may be absent) and, for
 * a number, its range; else null.
 */
export type FiniteDomains = (term: string) => { values: readonly Lit[]; range?: NumRange } | null;

/** The term an atom is about, when its truth follows from the term's value. */
function termOf(atom: Atom): string {
  return atom.kind === 'prop' ? atom.key : atom.term;
}

/** An atom's truth for a term pinned to a value (a prop atom is the term's truthiness). */
function onValue(atom: Atom, v: Lit): boolean {
  return atom.kind === 'prop' ? truthy(v) : atomOnValue(atom, v)!;
}

/** Work the rule analysis may still do (literal checks and enumerated cases); at 0 it claims nothing more. */
export interface WorkBudget {
  left: number;
}

/** The numbers the atoms on a term compare it with (its classes' boundaries). */
function pointsOn(term: string, atoms: Iterable<Atom>): number[] {
  const out: number[] = [];
  for (const a of atoms) {
    if (termOf(a) !== term) continue;
    if (a.kind === 'num') out.push(...[a.lo, a.hi].filter(Number.isFinite));
    else if (a.kind === 'eq') out.push(Number(a.value));
    else if (a.kind === 'in') out.push(...a.values.map(Number));
    else out.push(0); // truthiness: 0 is the falsy number
  }
  return out.filter(Number.isFinite);
}

/**
 * Whether every input the clause admits satisfies one of the earlier clauses, and which of
 * them take part. Atoms the clause does not decide are enumerated: an atom about a term whose
 * values the input schema gives (an enum, a boolean, a number's range split at the points the
 * atoms compare it with) through one value per class (each value fixes every atom on the
 * term), any other atom as an independent proposition (more combinations than inputs can
 * make, so a "covered" answer is sound).
 */
export function coveredBy(clause: Clause, earlier: Array<{ clause: Clause; owner: number }>, domains: FiniteDomains = () => null, budget: WorkBudget = { left: Infinity }): number[] | null {
  type Open = { lit: Literal; key: string };
  const valuesOf = (term: string, atoms: () => Iterable<Atom>): readonly Lit[] | null => {
    const d = domains(term);
    if (!d) return null;
    return d.range ? [...d.values, ...numberReps(d.range, pointsOn(term, atoms()))] : d.values;
  };
  const admitted = (term: string, values: readonly Lit[]) => values.filter((v) => clause.every((c) => termOf(c.atom) !== term || onValue(c.atom, v) !== c.neg));
  // A clause that no value the schema allows satisfies is reached by nothing at all.
  for (const { atom } of clause) {
    const values = valuesOf(termOf(atom), () => clause.map((c) => c.atom));
    if (values && admitted(termOf(atom), values).length === 0) return [];
  }
  const open: Array<{ lits: Open[]; owner: number }> = [];
  budget.left -= earlier.length + clause.length;
  if (budget.left < 0) return null;
  for (const e of earlier) {
    budget.left -= e.clause.length * (clause.length + 1);
    if (budget.left < 0) return null;
    const unknown: Open[] = [];
    let dead = false;
    for (const lit of e.clause) {
      const v = implied(clause, lit);
      if (v === false) { dead = true; break; }
      if (v === undefined) unknown.push({ lit, key: canonicalAtom(lit.atom) });
    }
    if (dead) continue;
    if (unknown.length === 0) return [e.owner];
    open.push({ lits: unknown, owner: e.owner });
  }
  if (open.length === 0) return null;
  // Terms with known values: the values the clause itself allows.
  const terms = new Map<string, readonly Lit[]>();
  for (const o of open) {
    for (const { lit } of o.lits) {
      const term = termOf(lit.atom);
      if (terms.has(term)) continue;
      const values = valuesOf(term, () => [...clause.map((c) => c.atom), ...open.flatMap((x) => x.lits.map((l) => l.lit.atom))]);
      if (values) terms.set(term, admitted(term, values));
    }
  }
  const keys = [...new Set(open.flatMap((o) => o.lits.filter((l) => !terms.has(termOf(l.lit.atom))).map((l) => l.key)))];
  const termList = [...terms];
  const total = termList.reduce((n, [, vs]) => n * vs.length, 1) * 2 ** keys.length;
  if (keys.length > MAX_UNKNOWN_ATOMS || total > MAX_ASSIGNMENTS) return null;
  budget.left -= total * open.length;
  if (budget.left < 0) return null;
  if (total === 0) return []; // the clause admits no value of some term: nothing reaches it
  // Each open literal as a test of an assignment: a term's value index, or a proposition's bit.
  const tests = open.map((o) => ({
    owner: o.owner,
    lits: o.lits.map(({ lit, key }) => {
      const t = termList.findIndex(([term]) => term === termOf(lit.atom));
      if (t >= 0) return { t, truth: termList[t]![1].map((v) => onValue(lit.atom, v) !== lit.neg), bit: -1, neg: false };
      return { t: -1, truth: [] as boolean[], bit: keys.indexOf(key), neg: lit.neg };
    }),
  }));
  const owners = new Set<number>();
  const pick = termList.map(() => 0);
  for (;;) {
    for (let mask = 0; mask < 1 << keys.length; mask++) {
      const hit = tests.find((o) => o.lits.every((l) => (l.t >= 0 ? l.truth[pick[l.t]!]! : (((mask >> l.bit) & 1) === 1) !== l.neg)));
      if (!hit) return null;
      owners.add(hit.owner);
    }
    let i = termList.length - 1;
    while (i >= 0 && ++pick[i]! === termList[i]![1].length) pick[i--] = 0;
    if (i < 0) break;
  }
  return [...owners].sort((a, b) => a - b);
}
