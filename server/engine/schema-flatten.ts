/**
 * Flattening a JSON Schema (draft 2020-12) for the fast accept/reject check of schemas.ts: every
 * `$ref` replaced by the schema it points to, as one more `allOf` entry next to its siblings
 * (which is what `$ref` means in 2020-12: the referenced schema applies to the same instance, and
 * its result is combined with the siblings'). ajv then compiles one function for the whole
 * input instead of one per `$ref`, each called with an options object and a JSON Pointer built
 * for every nested value even when it is valid. Only the validity is taken from the flat
 * schema; the problems of an invalid input still come from the original schema.
 *
 * Anything flattening could change is refused (null): `$dynamicRef`, `$recursiveRef`,
 * `$anchor`, `unevaluatedProperties`/`unevaluatedItems` (they see annotations across
 * references), recursive references, and references that do not resolve.
 */

/** Keywords whose value is one schema. */
const ONE = new Set(['additionalProperties', 'items', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'additionalItems']);
/** Keywords whose value is an array of schemas. */
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value is an object of schemas. */
const MAP = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Keywords that make flattening unsafe. */
const REFUSED = new Set(['$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', '$anchor', 'unevaluatedProperties', 'unevaluatedItems']);

class Refused extends Error {}

/** `schemas`: every registered schema by its $id (or its key when it declares none). */
export function flattenSchema(schema: object, schemas: ReadonlyMap<string, object>): object | null {
  try {
    const root = schema as Record<string, unknown>;
    return flatten(root, '', root, schemas, []) as object;
  } catch (err) {
    if (err instanceof Refused) return null;
    throw err;
  }
}

function flatten(node: unknown, base: string, doc: Record<string, unknown>, schemas: ReadonlyMap<string, object>, stack: string[]): unknown {
  if (typeof node === 'boolean') return node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Refused();
  const schema = node as Record<string, unknown>;
  let here = base;
  let hereDoc = doc;
  if (typeof schema.$id === 'string') {
    here = resolve(schema.$id, base).file;
    hereDoc = schema;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) {
    if (REFUSED.has(key)) throw new Refused();
    const value = schema[key];
    if (key === '$ref' || key === '$id' || key === '$schema' || key === '$defs' || key === 'definitions' || key === '$comment') continue;
    if (ONE.has(key)) out[key] = flatten(value, here, hereDoc, schemas, stack);
    else if (LIST.has(key)) {
      if (!Array.isArray(value)) throw new Refused();
      out[key] = value.map((v) => flatten(v, here, hereDoc, schemas, stack));
    } else if (MAP.has(key)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Refused();
      const map: Record<string, unknown> = {};
      for (const k of Object.keys(value)) {
        if (k === '__proto__') throw new Refused();
        map[k] = flatten((value as Record<string, unknown>)[k], here, hereDoc, schemas, stack);
      }
      out[key] = map;
    } else {
      if (key === '__proto__') throw new Refused();
      out[key] = value; // a value, not a schema (type, enum, const, required, format, pattern, bounds, annotations)
    }
  }
  if (schema.$ref !== undefined) {
    if (typeof schema.$ref !== 'string') throw new Refused();
    const target = resolve(schema.$ref, here);
    const targetDoc = target.file === here ? hereDoc : (schemas.get(target.file) as Record<string, unknown> | undefined);
    if (!targetDoc) throw new Refused();
    const key = `${target.file}#${target.pointer}`;
    if (stack.includes(key) || stack.length > 32) throw new Refused();
    const resolved = pointer(targetDoc, target.pointer);
    // A file's root resolves its own $id against the registry's root; a schema inside a file
    // (no $id of its own on the way, see pointer) has the file as its base.
    const targetBase = target.pointer === '' && target.file !== here ? '' : target.file;
    const flat = flatten(resolved, targetBase, targetDoc, schemas, [...stack, key]);
    out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), flat];
  }
  return out;
}

/** A reference resolved against a base: the schema file ($id) and the JSON Pointer in it. */
function resolve(ref: string, base: string): { file: string; pointer: string } {
  const hash = ref.indexOf('#');
  const path = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  if (fragment !== '' && !fragment.startsWith('/')) throw new Refused(); // a plain-name fragment is an anchor
  let file = base;
  if (path !== '') {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) file = path;
    else {
      const url = new URL(path, `x-schema:/${base}`);
      if (url.protocol !== 'x-schema:') throw new Refused();
      file = decodeURIComponent(url.pathname.replace(/^\//, ''));
    }
  }
  return { file, pointer: decodeURIComponent(fragment) };
}

function pointer(doc: Record<string, unknown>, ptr: string): unknown {
  if (ptr === '') return doc;
  let cur: unknown = doc;
  for (const raw of ptr.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) throw new Refused();
    cur = (cur as Record<string, unknown>)[seg];
    if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, '$id')) throw new Refused(); // a nested base
  }
  return cur;
}
