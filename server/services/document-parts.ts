/**
 * Cached policy documents hold their parts once per process: a part (a top-level field of the
 * document, one of its rules, params, tables or derived values, and the fields of those) whose
 * JSON is the same as a part of a document already held is replaced by that part. Tenants that
 * changed a rule or two, or a param, still share every rule, table and schema they did not
 * change; only what differs is theirs. Documents are read-only once cached (they are already
 * shared by content hash), so sharing a part changes nothing anyone reads.
 *
 * Parts are keyed by the sha256 of their JSON text (the content hashes of versions are sha256
 * too) and held weakly: a part goes when the last document holding it does.
 *
 * @example
 *   const a = internParts(JSON.parse(textOfTenantA));
 *   const b = internParts(JSON.parse(textOfTenantB));   // b.rules[3] === a.rules[3] when equal
 */
import { createHash } from 'node:crypto';
import { stringTable, WeakTable } from '../engine/interned.ts';

/** How deep parts are shared: 1 the document's fields, 2 their items, 3 the items' fields. */
const DEPTH = 3;

const parts = new WeakTable<object>();

/** The document with each of its parts, down to DEPTH, replaced by an equal part already held. */
export function internParts<T>(document: T): T {
  if (document === null || typeof document !== 'object') return document;
  return rebuild(document, DEPTH) as T;
}

/**
 * Long texts (descriptions, sources, explanations) held once too: a param given another value
 * keeps its description. Strings cannot be held weakly, so the table is bounded (at most
 * 20,000 texts stay held after their documents are gone).
 */
const sharedText = stringTable(20_000);
const LONG_TEXT = 64;

function intern(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length < LONG_TEXT ? value : sharedText(value);
  if (value === null || typeof value !== 'object') return value;
  const text = JSON.stringify(value);
  // Short parts are their own key; a long one is keyed by its hash, not held twice as text.
  const key = text.length <= 64 ? text : createHash('sha256').update(text).digest('base64');
  return parts.obtain(key, () => (depth > 1 ? rebuild(value, depth - 1) : value));
}

/** A copy of the object or array whose members are interned (keys and their order kept). */
function rebuild(value: object, depth: number): object {
  if (Array.isArray(value)) return value.map((v) => intern(v, depth));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const member = intern((value as Record<string, unknown>)[k], depth);
    // A member named "__proto__" stays a member, as JSON.parse made it (assigning would set the prototype).
    if (k === '__proto__') Object.defineProperty(out, k, { value: member, enumerable: true, writable: true, configurable: true });
    else out[k] = member;
  }
  return out;
}
