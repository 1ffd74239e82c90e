/**
 * Makes a version diff (GET .../versions/{a}/diff/{b}: changed JSON paths with before/after)
 * readable for staff: each path is named by what it is in the policy (the param, the rule by
 * its id, the table row, the test by its name) using the two documents, and grouped by the
 * part of the policy it belongs to.
 *
 * @example
 *   describeChange({ op: 'changed', path: '/params/returnWindowDays/value', before: 30, after: 10 }, { from, to });
 *   // { group: 'Params', subject: 'returnWindowDays', where: '', unit: 'days', … }
 *   describeChange({ op: 'changed', path: '/rules/3/when', … }, docs);
 *   // { group: 'Rules', subject: 'rule "within-return-window" (4th)', where: 'when', … }
 */
import type { DocumentChange } from '../../server/types/schemas.gen.ts';
import { pointerSegments } from './json-location.ts';

export interface ReadableChange {
  op: DocumentChange['op'];
  /** The part of the policy: Params, Rules, Tables, Derived values, Per item, Totals, Tests, … */
  group: string;
  /** What changed, named: a param, `rule "id"`, `table fees, row 3`, `test "…"`. */
  subject: string;
  /** Where inside it (e.g. "when", "then › refundAmount"); '' for the whole thing or a param's value. */
  where: string;
  /** A param's unit, when the change is a param's value. */
  unit: string | null;
  path: string;
  fromPath: string | null;
  before: unknown;
  after: unknown;
  hasBefore: boolean;
  hasAfter: boolean;
}

type Doc = Record<string, unknown> | null | undefined;

const GROUPS: Record<string, string> = {
  params: 'Params', rules: 'Rules', otherwise: 'Rules', tables: 'Tables', let: 'Derived values', each: 'Per item', totals: 'Totals',
  tests: 'Tests', fixtures: 'Test fixtures', input: 'Input schema', output: 'Decision schema',
};

export function describeChange(change: DocumentChange, docs: { from: Doc; to: Doc }): ReadableChange {
  // A removed value is found in the older document; everything else in the newer one.
  const doc = change.op === 'removed' ? docs.from : docs.to;
  const segs = pointerSegments(change.path);
  const { group, subject, rest, unit } = name(segs, doc);
  return {
    op: change.op,
    group,
    subject,
    where: rest.join(' › '),
    unit,
    path: change.path,
    fromPath: change.fromPath ?? null,
    before: change.before,
    after: change.after,
    hasBefore: 'before' in change,
    hasAfter: 'after' in change,
  };
}

/** Groups in the order a policy reads: params, tables, derived values, rules, per item, totals, tests, the rest. */
export function groupChanges(changes: ReadableChange[]): Array<{ group: string; changes: ReadableChange[] }> {
  const order = ['Params', 'Tables', 'Derived values', 'Rules', 'Per item', 'Totals', 'Tests', 'Test fixtures'];
  const groups = new Map<string, ReadableChange[]>();
  for (const c of changes) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const rank = (g: string) => (order.includes(g) ? order.indexOf(g) : order.length);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([group, list]) => ({ group, changes: list }));
}

function name(segs: string[], doc: Doc): { group: string; subject: string; rest: string[]; unit: string | null } {
  const [head, second, ...rest] = segs;
  if (head === undefined) return { group: 'Document', subject: 'the whole document', rest: [], unit: null };
  const group = GROUPS[head] ?? 'Document';
  const at = (obj: unknown, key: string | undefined) => (obj && typeof obj === 'object' && key !== undefined ? (obj as Record<string, unknown>)[key] : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);

  switch (head) {
    case 'params': {
      if (second === undefined) return { group, subject: 'all params', rest: [], unit: null };
      const isValue = rest[0] === 'value';
      const unit = isValue ? str(at(at(at(doc, 'params'), second), 'unit')) : null;
      return { group, subject: second, rest: isValue ? rest.slice(1) : rest, unit };
    }
    case 'rules':
    case 'let':
    case 'totals':
    case 'tests':
      return { group, ...element(head, at(doc, head), second, rest), unit: null };
    case 'each': {
      if (second === 'rules' || second === 'let') {
        const [index, ...inner] = rest;
        const named = element(second, at(at(doc, 'each'), second), index, inner);
        return { group, subject: `per-item ${named.subject}`, rest: named.rest, unit: null };
      }
      return { group, subject: second === undefined ? 'the per-item phase' : `per-item ${second}`, rest, unit: null };
    }
    case 'tables': {
      if (second === undefined) return { group, subject: 'all tables', rest: [], unit: null };
      if (rest[0] === 'rows' && rest[1] !== undefined && /^\d+$/.test(rest[1])) {
        return { group, subject: `table ${second}, row ${Number(rest[1]) + 1}`, rest: rest.slice(2), unit: null };
      }
      return { group, subject: `table ${second}`, rest, unit: null };
    }
    case 'otherwise':
      return { group, subject: 'otherwise (no rule matched)', rest: second === undefined ? [] : [second, ...rest], unit: null };
    default:
      return { group, subject: head, rest: second === undefined ? [] : [second, ...rest], unit: null };
  }
}

const KIND: Record<string, string> = { rules: 'rule', let: 'value', totals: 'total', tests: 'test' };

/** An array element named by its id or name: rule "within-return-window" (4th). */
function element(kind: string, list: unknown, index: string | undefined, rest: string[]): { subject: string; rest: string[] } {
  const label = KIND[kind] ?? kind;
  if (index === undefined) return { subject: `all ${label}s`, rest };
  const item = Array.isArray(list) && /^\d+$/.test(index) ? (list[Number(index)] as Record<string, unknown> | undefined) : undefined;
  const id = item && (typeof item.id === 'string' ? item.id : typeof item.name === 'string' ? item.name : null);
  const nth = /^\d+$/.test(index) ? ordinal(Number(index) + 1) : index;
  return { subject: id ? `${label} "${id}" (${nth})` : `${label} ${nth}`, rest };
}

export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}
