/**
 * Copies of JSON values. `copyJson` is what structuredClone gives for plain JSON data (own
 * enumerable keys in order, "__proto__" kept as a plain key, -0 kept) at a fraction of its
 * cost; `isPlainTree` tells whether a value is such data, with no object reached twice
 * (structuredClone keeps shared references shared), so callers can choose it safely.
 */

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

/** Results are copied before they go into answers, so no caller can reach a compiled literal or param. */
export function copy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[key]);
    // Assigning "__proto__" would set the prototype; define it as plain data instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
