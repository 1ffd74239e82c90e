/**
 * Outputs a rule forgets to set: per block of rules (the order-level rules with their
 * `otherwise`, the per-item rules of `each` with theirs), every field the decision schema
 * requires (for `each`, what it requires of each element of `into`) or that another rule of
 * the block sets must be set by each rule, or the decisions of that rule lack it. Likewise a
 * decision table's row (or default) must set every output column the table declares.
 */
import { isRecord, pointer } from '../expression-sites.ts';
import { items, property } from './domains.ts';
import type { SchemaLookup, SchemaView } from './domains.ts';
import type { Warning } from './warnings.ts';

/** Fields the engine fills itself: the deciding rule, and the per-item results of `each`. */
function engineFields(into: string | null): Set<string> {
  return new Set(['rule', ...(into ? [into] : [])]);
}

export function requiredOf(view: SchemaView | null): string[] {
  if (!view) return [];
  const out = new Set<string>();
  for (const p of view.parts) if (Array.isArray(p.schema.required)) for (const r of p.schema.required) if (typeof r === 'string') out.add(r);
  return [...out];
}

export function missingOutputs(rules: unknown, otherwise: unknown, base: string, required: string[], engine: Set<string>): Warning[] {
  if (!Array.isArray(rules)) return [];
  const blocks: Array<{ path: string; label: string; fields: Set<string> }> = [];
  rules.forEach((r, i) => {
    if (isRecord(r) && isRecord(r.then)) blocks.push({ path: pointer(base, i, 'then'), label: `rule \`${typeof r.id === 'string' ? r.id : i}\``, fields: new Set(Object.keys(r.then)) });
  });
  if (isRecord(otherwise) && isRecord(otherwise.then)) {
    blocks.push({ path: `${base.replace(/rules$/, '')}otherwise/then`, label: '`otherwise`', fields: new Set(Object.keys(otherwise.then)) });
  }
  const setBy = new Map<string, string[]>();
  for (const b of blocks) for (const f of b.fields) setBy.set(f, [...(setBy.get(f) ?? []), b.label]);
  const expected = [...new Set([...required, ...setBy.keys()])].filter((f) => !engine.has(f));
  const out: Warning[] = [];
  for (const b of blocks) {
    const missing = expected.filter((f) => !b.fields.has(f));
    if (missing.length === 0) continue;
    const list = (fs: string[]) => fs.map((f) => `\`${f}\``).join(', ');
    const required_ = missing.filter((f) => required.includes(f));
    const others = missing.filter((f) => !required.includes(f));
    const parts = [
      ...(required_.length ? [`${list(required_)} (the decision schema requires ${required_.length === 1 ? 'it' : 'them'})`] : []),
      ...others.map((f) => {
        const by = setBy.get(f)!;
        return `\`${f}\` (${by.slice(0, 3).join(', ')}${by.length > 3 ? ' and others' : ''} ${by.length === 1 ? 'sets' : 'set'} it)`;
      }),
    ];
    out.push({ path: b.path, code: 'missing-output', message: `${b.label} does not set ${parts.join(', ')}` });
  }
  return out;
}

function tableOutputs(tables: unknown): Warning[] {
  if (!isRecord(tables)) return [];
  const out: Warning[] = [];
  for (const [name, t] of Object.entries(tables)) {
    if (!isRecord(t) || !Array.isArray(t.outputs) || !Array.isArray(t.rows)) continue;
    const columns = t.outputs.filter(isRecord).map((c) => String(c.name));
    const check = (then: unknown, path: string, label: string) => {
      if (!isRecord(then)) return;
      const missing = columns.filter((c) => !Object.hasOwn(then, c));
      if (missing.length) {
        out.push({ path, code: 'missing-output', message: `${label} of table \`${name}\` does not set ${missing.map((c) => `\`${c}\``).join(', ')} (the lookup gives null for ${missing.length === 1 ? 'it' : 'them'})` });
      }
    };
    t.rows.forEach((r, i) => check(isRecord(r) ? r.then : null, pointer('/tables', name, 'rows', i, 'then'), `row ${i + 1}`));
    if (isRecord(t.default)) check(t.default, pointer('/tables', name, 'default'), 'the default');
  }
  return out;
}

export function outputWarnings(doc: Record<string, unknown>, output: SchemaView | null, lookup: SchemaLookup): Warning[] {
  const each = isRecord(doc.each) ? doc.each : null;
  const into = each ? (typeof each.into === 'string' ? each.into : 'items') : null;
  const out = [...tableOutputs(doc.tables), ...missingOutputs(doc.rules, doc.otherwise, '/rules', requiredOf(output), engineFields(into))];
  if (each && into) out.push(...missingOutputs(each.rules, each.otherwise, '/each/rules', requiredOf(items(property(output, into, lookup), lookup)), engineFields(null)));
  return out;
}
