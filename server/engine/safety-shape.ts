/**
 * The first safety pass over a saved policy document: size, depth, node count and literal
 * collection sizes, on the raw parsed value, before JSON-Schema validation (ajv recurses,
 * and a 10,000-deep or 50 MB document must be refused before anything walks it recursively).
 */
import type { Problem } from './types.ts';
import { escapePointerToken } from './expression-sites.ts';
import { type Limits, resolveLimits } from './safety-limits.ts';

/** Non-fatal problems (long arrays, wide objects) stop being collected after this many. */
const MAX_PROBLEMS = 20;

/**
 * One open object or array on the explicit stack. The stack holds only the chain from the
 * root to the current value (never pending siblings), so its size is bounded by maxDepth.
 */
interface Frame {
  value: unknown[] | Record<string, unknown>;
  /** Own keys of an object, null for an array. */
  keys: string[] | null;
  length: number;
  next: number;
  /** The root object or array is level 1. */
  depth: number;
  parent: Frame | null;
  key: string | number;
}

/**
 * Checks the raw parsed document against the size bounds, iteratively (no recursion, so any
 * nesting is safe) and stopping at the first depth, node-count or size problem. Too long arrays
 * and too wide objects are reported without walking into them, and the walk goes on.
 * Pass the source text when there is one: its UTF-8 size is exact and checked before walking;
 * without it the size is estimated (characters, not bytes) while walking.
 *
 * @example
 * checkShape(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)))
 * // [{ path: '/0/0/…/0', message: 'nested deeper than 64 levels; …' }]
 */
export function checkShape(doc: unknown, limits?: Partial<Limits>, sourceText?: string): Problem[] {
  const lim = resolveLimits(limits);
  const tooBig = { path: '', message: `the document is larger than ${lim.maxDocumentBytes} bytes, the limit; make it smaller` };
  if (sourceText !== undefined && utf8LengthUpTo(sourceText, lim.maxDocumentBytes) > lim.maxDocumentBytes) return [tooBig];
  const estimate = sourceText === undefined;
  const problems: Problem[] = [];
  const stack: Frame[] = [];
  let nodes = 0;
  let bytes = 0;

  // Visits one value: counts it and, for a container within bounds, opens a frame for its
  // children. Returns a fatal problem, or null to go on.
  const visit = (value: unknown, parent: Frame | null, key: string | number): Problem | null => {
    nodes += 1;
    if (nodes > lim.maxNodes) {
      return { path: pathOf(parent, key), message: `the document has more than ${lim.maxNodes} values, the limit; make it smaller` };
    }
    if (value === null || typeof value !== 'object') {
      if (estimate) bytes += primitiveSize(value);
      return estimate && bytes > lim.maxDocumentBytes ? tooBig : null;
    }
    const depth = parent ? parent.depth + 1 : 1;
    if (depth > lim.maxDepth) {
      return { path: pathOf(parent, key), message: `nested deeper than ${lim.maxDepth} levels, the limit; flatten it (for example into derived values)` };
    }
    let keys: string[] | null = null;
    let length: number;
    if (Array.isArray(value)) {
      length = value.length;
    } else {
      keys = ownKeysUpTo(value as Record<string, unknown>, lim.maxArrayLiteral + 1);
      length = keys.length;
    }
    if (length > lim.maxArrayLiteral) {
      const what = keys ? `this object has more than ${lim.maxArrayLiteral} keys` : `this array has ${length} elements`;
      problems.push({ path: pathOf(parent, key), message: `${what}; the limit is ${lim.maxArrayLiteral}` });
      return null; // reported; its contents are not walked
    }
    if (estimate) {
      bytes += 2 + Math.max(0, length - 1); // brackets and commas
      if (keys) for (const k of keys) bytes += k.length + 3; // quotes and colon
      if (bytes > lim.maxDocumentBytes) return tooBig;
    }
    stack.push({ value: value as Frame['value'], keys, length, next: 0, depth, parent, key });
    return null;
  };

  let fatal = visit(doc, null, '');
  while (!fatal && stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.length) {
      stack.pop();
      continue;
    }
    const i = top.next++;
    if (top.keys) {
      const k = top.keys[i]!;
      fatal = visit((top.value as Record<string, unknown>)[k], top, k);
    } else {
      fatal = visit((top.value as unknown[])[i], top, i);
    }
  }
  if (fatal) problems.push(fatal);
  return problems;
}

/** The JSON Pointer of the child `key` of `parent` (or of the root when parent is null). */
function pathOf(parent: Frame | null, key: string | number): string {
  if (!parent) return '';
  const tokens: Array<string | number> = [key];
  for (let f: Frame | null = parent; f && f.parent; f = f.parent) tokens.push(f.key);
  let out = '';
  for (let i = tokens.length - 1; i >= 0; i--) out += '/' + escapePointerToken(tokens[i]!);
  return out;
}

/** Own enumerable keys, stopping once `max` are found (a 1M-key object is not listed in full). */
function ownKeysUpTo(obj: Record<string, unknown>, max: number): string[] {
  const keys: string[] = [];
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    keys.push(k);
    if (keys.length >= max) break;
  }
  return keys;
}

/** Approximate JSON size of a scalar: enough to bound a walk when no source text is given. */
function primitiveSize(value: unknown): number {
  switch (typeof value) {
    case 'string': return value.length + 2;
    case 'number': return String(value).length;
    case 'boolean': return value ? 4 : 5;
    default: return value === null ? 4 : 0;
  }
}

/**
 * Greater than `max` exactly when `text` is longer than `max` bytes in UTF-8 (the length
 * itself is only exact when it is needed): counting stops just past `max`.
 */
function utf8LengthUpTo(text: string, max: number): number {
  if (text.length > max) return text.length; // every character is at least one byte
  if (text.length * 3 <= max) return text.length; // at most three bytes per UTF-16 unit
  let n = 0;
  for (let i = 0; i < text.length && n <= max; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair is one 4-byte code point
      i += 1;
    } else n += 3;
  }
  return n;
}
