/**
 * Date windows that can never be open: an `and` that asks the same date to be after one
 * instant and before another that is not later (`isOnOrBefore(from, x)` and
 * `isBefore(x, until)` with from ≥ until, or `daysBetween(from, x) >= 0` and
 * `daysBetween(x, until) >= 0` by UTC dates), with the instants literal or params (read
 * directly or through a derived value that is the param, Solum's `holiday`); and a param
 * holding a window whose start is after its end (`{"purchasedFrom": "2023-12-25",
 * "purchasedThrough": "2023-10-11"}`: keys named from/start and until/through/to/end, with the
 * same prefix). Null and other non-dates are never bounds: a blank param is not a window.
 */
import { expressionSites, isRecord, pointer } from '../expression-sites.ts';
import type { PolicyLike } from '../expression-sites.ts';
import { parseIso } from '../operators/time.ts';
import { canonical, paramValue } from './conditions.ts';
import type { Warning } from './warnings.ts';

interface Bound {
  ms: number;
  text: string;
  inclusive: boolean;
  /** Where the instant comes from: the literal, or "params.x.y". */
  from: string;
}

/** What the analysis reads: params, and derived values that are aliases of a param (`holiday` = params.holidayExtension). */
interface Env {
  params: Record<string, unknown>;
  aliases: ReadonlyMap<string, string>;
}

const DAY_MS = 86_400_000;

/** A read of a param, directly or through an alias: its path ("params.holidayExtension.purchasedFrom"). */
function paramPath(expr: unknown, env: Env): string | null {
  if (!isRecord(expr) || Object.keys(expr).length !== 1) return null;
  const a = Array.isArray(expr.var) ? (expr.var.length === 1 ? expr.var[0] : undefined) : expr.var;
  if (typeof a !== 'string') return null;
  const [head, ...rest] = a.split('.');
  const alias = env.aliases.get(head!);
  const path = alias ? [alias, ...rest].join('.') : a;
  return path.startsWith('params.') ? path : null;
}

function instant(expr: unknown, env: Env): Bound | null {
  const path = paramPath(expr, env);
  const p = path ? paramValue({ var: path }, env.params) : undefined;
  const value = p ? p.value : expr;
  if (typeof value !== 'string') return null;
  const t = parseIso(value);
  if (!t) return null;
  return { ms: t.ms, text: value, inclusive: false, from: p ? path! : JSON.stringify(value) };
}

function conjuncts(node: unknown): unknown[] {
  if (isRecord(node) && Object.keys(node).length === 1 && Array.isArray(node.and)) return node.and.flatMap(conjuncts);
  return [node];
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** A day count as a bound: the instant that starts (lower) or ends (upper) that UTC day. */
function dayBound(day: number, lower: boolean, b: Bound): Bound {
  const text = new Date(day * DAY_MS).toISOString().slice(0, 10);
  return lower ? { ...b, ms: day * DAY_MS, text, inclusive: true } : { ...b, ms: (day + 1) * DAY_MS - 1, text, inclusive: true };
}

/** The date bounds one conjunct puts on a term. */
function bounds(node: unknown, env: Env): Array<{ term: string; lower: boolean; bound: Bound }> {
  if (!isRecord(node) || Object.keys(node).length !== 1) return [];
  const op = Object.keys(node)[0]!;
  const a = node[op];
  if (!Array.isArray(a) || a.length !== 2) return [];
  if (op === 'isBefore' || op === 'isOnOrBefore') {
    const inclusive = op === 'isOnOrBefore';
    const [l, r] = [instant(a[0], env), instant(a[1], env)];
    if (r && !l) return [{ term: canonical(a[0]), lower: false, bound: { ...r, inclusive } }];
    if (l && !r) return [{ term: canonical(a[1]), lower: true, bound: { ...l, inclusive } }];
    return [];
  }
  // daysBetween(A, x) >= k: the UTC date of x is at least A's plus k days (and the mirror forms).
  if (!FLIP[op]) return [];
  const number = (e: unknown) => {
    const path = paramPath(e, env);
    const v = path ? paramValue({ var: path }, env.params)?.value : e;
    return typeof v === 'number' && Number.isInteger(v) ? v : null;
  };
  const isDays = (e: unknown): e is { daysBetween: unknown[] } => isRecord(e) && Object.keys(e).length === 1 && Array.isArray(e.daysBetween) && e.daysBetween.length === 2;
  let cmp = op;
  let days: { daysBetween: unknown[] };
  let k: number | null;
  if (isDays(a[0])) [days, k] = [a[0], number(a[1])];
  else if (isDays(a[1])) [days, k, cmp] = [a[1], number(a[0]), FLIP[op]!];
  else return [];
  if (k === null) return [];
  const [p, q] = [instant(days.daysBetween[0], env), instant(days.daysBetween[1], env)];
  // day(q) - day(p) cmp k, with integer days: >= k, > k (= >= k+1), <= k, < k (= <= k-1).
  const atLeast = cmp === '>=' ? k : cmp === '>' ? k + 1 : null;
  const atMost = cmp === '<=' ? k : cmp === '<' ? k - 1 : null;
  const day = (b: Bound) => Math.floor(b.ms / DAY_MS);
  if (p && !q) {
    // day(x) - day(P) >= n: x on or after P + n; <= n: on or before P + n.
    const term = canonical(days.daysBetween[1]);
    return atLeast !== null ? [{ term, lower: true, bound: dayBound(day(p) + atLeast, true, p) }] : [{ term, lower: false, bound: dayBound(day(p) + atMost!, false, p) }];
  }
  if (q && !p) {
    // day(Q) - day(x) >= n: x on or before Q - n; <= n: on or after Q - n.
    const term = canonical(days.daysBetween[0]);
    return atLeast !== null ? [{ term, lower: false, bound: dayBound(day(q) - atLeast, false, q) }] : [{ term, lower: true, bound: dayBound(day(q) - atMost!, true, q) }];
  }
  return [];
}

const describe = (b: Bound, lower: boolean) => `${lower ? (b.inclusive ? 'on or after' : 'after') : b.inclusive ? 'on or before' : 'before'} ${b.text}${b.from.startsWith('params.') ? ` (${b.from})` : ''}`;

const termName = (term: string) => (term.startsWith('var(') ? term.slice(4, -1) : term);

const START = /^(.*?)(from|start|since)$/i;
const END = /^(.*?)(until|through|to|end)$/i;

export function emptyDateWindows(doc: PolicyLike & Record<string, unknown>): Warning[] {
  const params = isRecord(doc.params) ? Object.fromEntries(Object.entries(doc.params).map(([k, p]) => [k, isRecord(p) ? p.value : undefined])) : {};
  const aliases = new Map<string, string>();
  const lets = [...(Array.isArray(doc.let) ? doc.let : []), ...(isRecord(doc.each) && Array.isArray(doc.each.let) ? doc.each.let : [])];
  for (const d of lets) {
    if (!isRecord(d) || typeof d.name !== 'string') continue;
    const target = paramPath(d.value, { params, aliases });
    if (target) aliases.set(d.name, target);
  }
  const env: Env = { params, aliases };
  const out: Warning[] = [];
  const usedParams = new Set<string>();
  const visit = (node: unknown, at: Array<string | number>): void => {
    if (Array.isArray(node)) { node.forEach((x, i) => visit(x, [...at, i])); return; }
    if (!isRecord(node)) return;
    if (Object.keys(node).length === 1 && Array.isArray(node.and)) {
      const byTerm = new Map<string, { lo: Bound[]; hi: Bound[] }>();
      for (const c of conjuncts(node)) {
        for (const b of bounds(c, env)) {
          const entry = byTerm.get(b.term) ?? { lo: [], hi: [] };
          (b.lower ? entry.lo : entry.hi).push(b.bound);
          byTerm.set(b.term, entry);
        }
      }
      for (const [term, { lo, hi }] of byTerm) {
        const pair = lo.flatMap((l) => hi.map((h) => [l, h] as const)).find(([l, h]) => l.ms > h.ms || (l.ms === h.ms && !(l.inclusive && h.inclusive)));
        if (!pair) continue;
        for (const b of pair) if (b.from.startsWith('params.')) usedParams.add(b.from.split('.')[1]!);
        out.push({
          path: pointer(at[0] as string, ...at.slice(1)),
          code: 'empty-date-window',
          message: `this date window is never open: no ${termName(term)} is both ${describe(pair[0], true)} and ${describe(pair[1], false)}`,
        });
      }
    }
    for (const [k, v] of Object.entries(node)) if (v !== null && typeof v === 'object') visit(v, [...at, k]);
  };
  for (const site of expressionSites(doc)) visit(site.expr, [site.path]);

  for (const [name, value] of Object.entries(params)) {
    if (!isRecord(value) || usedParams.has(name)) continue;
    for (const [startKey, start] of Object.entries(value)) {
      const s = START.exec(startKey);
      if (!s || typeof start !== 'string' || !parseIso(start)) continue;
      for (const [endKey, end] of Object.entries(value)) {
        const e = END.exec(endKey);
        if (!e || e[1]!.toLowerCase() !== s[1]!.toLowerCase() || typeof end !== 'string' || !parseIso(end)) continue;
        if (parseIso(start)!.ms > parseIso(end)!.ms) {
          out.push({
            path: pointer('/params', name, 'value', startKey),
            code: 'empty-date-window',
            message: `param \`${name}\` opens its window after it closes: ${startKey} ${start} is after ${endKey} ${end}`,
          });
        }
      }
    }
  }
  return out;
}
