/**
 * Date windows that can never be open: an `and` that asks the same date to be after one
 * instant and before another that is not later (`isOnOrBefore(from, x)` and
 * `isBefore(x, until)` with from ≥ until), with the instants literal or params; and a param
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

function instant(expr: unknown, params: Record<string, unknown>): Bound | null {
  const p = paramValue(expr, params);
  const value = p ? p.value : expr;
  if (typeof value !== 'string') return null;
  const t = parseIso(value);
  if (!t) return null;
  const v = isRecord(expr) ? expr.var : undefined;
  return { ms: t.ms, text: value, inclusive: false, from: p ? String(Array.isArray(v) ? v[0] : v) : JSON.stringify(value) };
}

function conjuncts(node: unknown): unknown[] {
  if (isRecord(node) && Object.keys(node).length === 1 && Array.isArray(node.and)) return node.and.flatMap(conjuncts);
  return [node];
}

/** The date bounds one conjunct puts on a term. */
function bounds(node: unknown, params: Record<string, unknown>): Array<{ term: string; lower: boolean; bound: Bound }> {
  if (!isRecord(node) || Object.keys(node).length !== 1) return [];
  const op = Object.keys(node)[0]!;
  if (op !== 'isBefore' && op !== 'isOnOrBefore') return [];
  const a = node[op];
  if (!Array.isArray(a) || a.length !== 2) return [];
  const inclusive = op === 'isOnOrBefore';
  const [l, r] = [instant(a[0], params), instant(a[1], params)];
  if (r && !l) return [{ term: canonical(a[0]), lower: false, bound: { ...r, inclusive } }];
  if (l && !r) return [{ term: canonical(a[1]), lower: true, bound: { ...l, inclusive } }];
  return [];
}

const describe = (b: Bound, lower: boolean) => `${lower ? (b.inclusive ? 'on or after' : 'after') : b.inclusive ? 'on or before' : 'before'} ${b.text}${b.from.startsWith('params.') ? ` (${b.from})` : ''}`;

const termName = (term: string) => (term.startsWith('var(') ? term.slice(4, -1) : term);

const START = /^(.*?)(from|start|since)$/i;
const END = /^(.*?)(until|through|to|end)$/i;

export function emptyDateWindows(doc: PolicyLike & Record<string, unknown>): Warning[] {
  const params = isRecord(doc.params) ? Object.fromEntries(Object.entries(doc.params).map(([k, p]) => [k, isRecord(p) ? p.value : undefined])) : {};
  const out: Warning[] = [];
  const usedParams = new Set<string>();
  const visit = (node: unknown, at: Array<string | number>): void => {
    if (Array.isArray(node)) { node.forEach((x, i) => visit(x, [...at, i])); return; }
    if (!isRecord(node)) return;
    if (Object.keys(node).length === 1 && Array.isArray(node.and)) {
      const byTerm = new Map<string, { lo: Bound[]; hi: Bound[] }>();
      for (const c of conjuncts(node)) {
        for (const b of bounds(c, params)) {
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
          message: `this date window is never open: it needs ${termName(term)} ${describe(pair[0], true)} and ${describe(pair[1], false)}`,
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
