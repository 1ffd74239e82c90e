/**
 * The document diff of two policy versions: jsondiffpatch's delta (the machine form, which the
 * editor can render or patch with) and, read out of it, a flat list of changed JSON paths with
 * the values before and after (the human form, and what tests and reviews assert on).
 *
 * Array elements that have an identity are matched by it — rules and `otherwise` by `id`,
 * derived values, tests and fixtures by `name` — so inserting a rule reads as one added rule,
 * not as every later rule changed, and reordering reads as a move. Elements without one
 * (table rows, literal lists) are matched by position.
 *
 * Paths are JSON Pointers into the newer document ('to'); a removed value's path is where it
 * was in the older one ('from'), and `fromPath` says where a value was when that differs
 * (moved elements, and anything inside them or after an insertion).
 *
 * @example
 *   documentDiff({ rules: [{ id: 'a', when: true }] }, { rules: [{ id: 'a', when: false }] }).changes;
 *   // [{ op: 'changed', path: '/rules/0/when', before: true, after: false }]
 */
import { create } from 'jsondiffpatch';
import type { Delta } from 'jsondiffpatch';
import type { DocumentChange } from '../types/schemas.gen.ts';

const differ = create({
  objectHash: (item: object, index?: number) => {
    const o = item as { id?: unknown; name?: unknown };
    if (typeof o.id === 'string') return `id:${o.id}`;
    if (typeof o.name === 'string') return `name:${o.name}`;
    return `#${index}`;
  },
  arrays: { detectMove: true, includeValueOnMove: false },
});

export function documentDiff(from: unknown, to: unknown): { delta: Delta | null; changes: DocumentChange[] } {
  const delta = differ.diff(from, to);
  const changes: DocumentChange[] = [];
  if (delta !== undefined) walk(delta, from, to, '', '', changes);
  return { delta: delta ?? null, changes };
}

function walk(delta: Delta, before: unknown, after: unknown, path: string, fromPath: string, out: DocumentChange[]): void {
  const at = (p: string, f: string) => (p === f ? { path: p } : { path: p, fromPath: f });
  if (Array.isArray(delta)) {
    if (delta.length === 1) out.push({ op: 'added', path, after: delta[0] });
    else if (delta.length === 2) out.push({ op: 'changed', ...at(path, fromPath), before: delta[0], after: delta[1] });
    else if (delta[2] === 0) out.push({ op: 'removed', path: fromPath, before: delta[0] });
    // A text diff (delta[2] === 2) is not enabled; any other shape is a whole-value change.
    else out.push({ op: 'changed', ...at(path, fromPath), before, after });
    return;
  }
  if (delta === undefined || delta === null || typeof delta !== 'object') return;
  const d = delta as Record<string, Delta>;
  if ((d as { _t?: unknown })._t !== 'a') {
    for (const key of Object.keys(d)) {
      const seg = pointerSegment(key);
      walk(d[key], child(before, key), child(after, key), `${path}/${seg}`, `${fromPath}/${seg}`, out);
    }
    return;
  }
  walkArray(d, Array.isArray(before) ? before : [], Array.isArray(after) ? after : [], path, fromPath, out);
}

/**
 * An array delta: `_i` keys are old indexes (removed, or moved away), `i` keys new indexes
 * (added, or changed in place). To give each new index its old one, replay the patch order:
 * drop removed and moved elements, then insert added and moved ones in ascending new index.
 */
function walkArray(d: Record<string, Delta>, before: unknown[], after: unknown[], path: string, fromPath: string, out: DocumentChange[]): void {
  const gone = new Set<number>();
  const arrivals = new Map<number, number | null>();
  for (const [key, value] of Object.entries(d)) {
    if (!key.startsWith('_') || key === '_t') continue;
    const oldIndex = Number(key.slice(1));
    const v = value as unknown[];
    gone.add(oldIndex);
    if (v[2] === 3) arrivals.set(v[1] as number, oldIndex);
    else out.push({ op: 'removed', path: `${fromPath}/${oldIndex}`, before: v[0] });
  }
  for (const [key, value] of Object.entries(d)) {
    if (/^\d+$/.test(key) && Array.isArray(value) && value.length === 1) arrivals.set(Number(key), null);
  }
  const oldAt: Array<number | null> = before.map((_, i) => i).filter((i) => !gone.has(i));
  for (const newIndex of [...arrivals.keys()].sort((x, y) => x - y)) oldAt.splice(newIndex, 0, arrivals.get(newIndex)!);

  for (const [newIndex, oldIndex] of arrivals) {
    if (oldIndex !== null) out.push({ op: 'moved', path: `${path}/${newIndex}`, fromPath: `${fromPath}/${oldIndex}`, before: before[oldIndex], after: after[newIndex] });
  }
  for (const key of Object.keys(d).filter((k) => /^\d+$/.test(k)).sort((x, y) => Number(x) - Number(y))) {
    const newIndex = Number(key);
    const oldIndex = oldAt[newIndex] ?? null;
    if (oldIndex === null) {
      walk(d[key], undefined, after[newIndex], `${path}/${newIndex}`, `${fromPath}/${newIndex}`, out);
    } else {
      walk(d[key], before[oldIndex], after[newIndex], `${path}/${newIndex}`, `${fromPath}/${oldIndex}`, out);
    }
  }
}

function child(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
