/**
 * Formats a policy document for reading, the way the seed files under policies/ are written:
 * a value whose one-line form fits the line stays on one line (`{"daysBetween": [{"var":
 * "deliveredAt"}, {"now": []}]}`), anything longer opens one level per line. A draft comes back
 * from the API as data, not text, so this decides how it reads; JSON.stringify(doc, null, 2)
 * would spread solum/returns over 3,000 lines.
 *
 * @example
 *   formatJson({ a: [1, 2], b: { c: 'd' } });   // '{"a": [1, 2], "b": {"c": "d"}}\n'
 */
export function formatJson(value: unknown, width = 96): string {
  return `${block(value, '', 0, width)}\n`;
}

/** One value at an indent; `used` is what precedes it on its line (indent + key). */
function block(value: unknown, indent: string, used: number, width: number): string {
  const flat = inline(value);
  if (used + flat.length <= width || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${block(v, inner, inner.length, width)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([k, v]) => {
      const key = `${JSON.stringify(k)}: `;
      return `${inner}${key}${block(v, inner, inner.length + key.length, width)}`;
    })
    .join(',\n')}\n${indent}}`;
}

/** The one-line form, with a space after every comma and colon. */
function inline(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
    .join(', ')}}`;
}
