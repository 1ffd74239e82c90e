/**
 * Content hashes of policy versions: sha256 of the canonical JSON of the document (object keys
 * sorted, no whitespace), so the same rules hash the same whatever the file's formatting or key
 * order, and a publish of an unchanged document can be recognised.
 *
 * @example
 *   canonicalJson({ b: 1, a: [true, null] });   // '{"a":[true,null],"b":1}'
 *   contentHash({ b: 1, a: 2 }) === contentHash({ a: 2, b: 1 });   // true
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // undefined (absent) values never reach here from JSON; treat them as JSON would.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** "sha256:<hex>" of the canonical JSON. */
export function contentHash(document: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(document)).digest('hex')}`;
}
