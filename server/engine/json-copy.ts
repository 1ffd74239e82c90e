/**
 * Copies of JSON values. `copyJson` is what structuredClone gives for plain JSON data (own
 * enumerable keys in order, "__proto__" kept as a plain key, -0 kept) at a fraction of its
 * cost; `isPlainTree` tells whether a value is such data, with no object reached twice
 * (structuredClone keeps shared references shared), so callers can choose it safely.
 */

import { BudgetError } from './types.ts';

const objectProto = Object.prototype;
const arrayProto = Array.prototype;

/** True when the value is JSON data: null, booleans, finite or not numbers, strings, plain arrays and objects, no value reached twice. */
export function isPlainTree(value: unknown, seen: Set<object> = new Set()): boolean {
  if (value === null) return true;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  if (t !== 'object') return false;
  const o = value as object;
  if (seen.has(o)) return false;
  seen.add(o);
  if (Array.isArray(o)) {
    if (Object.getPrototypeOf(o) !== arrayProto) return false;
    const keys = Object.keys(o);
    if (keys.length !== o.length) return false; // holes or extra keys
    for (let i = 0; i < o.length; i++) if (!isPlainTree(o[i], seen)) return false;
    return Object.getOwnPropertySymbols(o).length === 0 && hasOnlyDataProperties(o);
  }
  const proto = Object.getPrototypeOf(o);
  if (proto !== objectProto && proto !== null) return false;
  if (Object.getOwnPropertySymbols(o).length !== 0 || !hasOnlyDataProperties(o)) return false;
  for (const key of Object.keys(o)) if (!isPlainTree((o as Record<string, unknown>)[key], seen)) return false;
  return true;
}

function hasOnlyDataProperties(o: object): boolean {
  const descriptors = Object.getOwnPropertyDescriptors(o) as Record<string, PropertyDescriptor>;
  for (const key of Object.keys(descriptors)) if (!('value' in descriptors[key]!)) return false;
  return true;
}

/** A deep copy of JSON data (see isPlainTree) as structuredClone makes it: plain objects and arrays. */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copyJson((value as Record<string, unknown>)[key]);
    // Assigning "__proto__" would set the prototype; define it as plain data instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

/**
 * Results are copied before they go into answers, so no caller can reach a compiled literal or
 * param. With a budget, every element and key copied is a step of it: a result may hold the
 * same array many times (a param read in every iteration), and its copy would otherwise be
 * larger than anything the evaluation itself built (10^6 references to a 10,000-element
 * param: 10^10 values, enough to abort the process out of memory).
 */
export function copy<T>(value: T, budget?: { steps: number }): T {
  if (value === null || typeof value !== 'object') return value;
  if (budget) {
    budget.steps -= Array.isArray(value) ? value.length : Object.keys(value).length;
    if (budget.steps < 0) throw new BudgetError('the result is too large to copy within the evaluation\'s work budget');
  }
  if (Array.isArray(value)) return value.map((v) => copy(v, budget)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[key], budget);
    // Assigning "__proto__" would set the prototype; define it as plain data instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

/**
 * A function returning a fresh copy of a plain JSON value (see isPlainTree) as one literal,
 * which V8 builds from a boilerplate much faster than copyJson walks the value; null when the
 * value has a key an object literal treats specially ("__proto__"), a number that does not print
 * back to itself, or `new Function` is refused (copyJson then). Strings enter the source only
 * through JSON.stringify.
 */
export function literalCopier(value: unknown): (() => unknown) | null {
  const source = literalSource(value, 0);
  if (source === null) return null;
  try {
    return new Function(`"use strict"; return () => (${source});`)() as () => unknown;
  } catch {
    return null;
  }
}

function literalSource(value: unknown, depth: number): string | null {
  if (depth > 64) return null;
  if (value === null) return 'null';
  if (value === true || value === false) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) && Number(String(value)) === value ? `(${String(value)})` : null;
  if (Array.isArray(value)) {
    const parts = value.map((v) => literalSource(v, depth + 1));
    return parts.includes(null) ? null : `[${parts.join(', ')}]`;
  }
  if (typeof value !== 'object') return null;
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return null;
    const v = literalSource((value as Record<string, unknown>)[key], depth + 1);
    if (v === null) return null;
    parts.push(`${JSON.stringify(key)}: ${v}`);
  }
  return `{ ${parts.join(', ')} }`;
}
