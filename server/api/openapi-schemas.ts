/**
 * Turns schemas/ files into OpenAPI `components.schemas`: every file reachable from the schemas
 * the routes name (transitively, through `$ref`) becomes one component, without `$id`/`$schema`
 * (the document's dialect is 2020-12 already, and an `$id` would make a validator resolve the
 * rewritten refs against the file path again), and each `$ref` is rewritten from a path under
 * schemas/ to `#/components/schemas/<Name>`, keeping any fragment (`#/$defs/x` stays nested:
 * `#/components/schemas/Order/$defs/paymentMethod`). The files stay the one source: the server
 * validates with them and the document is derived, so the two cannot drift.
 *
 * @example
 *   schemaComponentName('api/decision-answer.schema.json')   // 'DecisionAnswer'
 *   schemaComponentName('solum/returns.input.schema.json')   // 'SolumReturnsInput'
 *   const { schemas, names } = collectSchemaComponents(['api/decide-request.schema.json'], loadSchemaFiles());
 */
import { posix } from 'node:path';

/**
 * The component name of a schema file. `api/` and `common/` are the service's own namespaces and
 * are dropped (api/decision-answer → DecisionAnswer, common/order → Order); a tenant folder
 * stays, because two tenants may have a policy of the same key (solum/returns, soom/returns).
 */
export function schemaComponentName(id: string): string {
  const parts = id.replace(/\.schema\.json$/, '').split('/');
  if (parts.length > 1 && (parts[0] === 'api' || parts[0] === 'common')) parts.shift();
  return parts
    .flatMap((p) => p.split(/[.\-_]/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** The `#/components/schemas/...` reference to a schema file (and a fragment inside it). */
export function componentRef(id: string, fragment = ''): string {
  return `#/components/schemas/${schemaComponentName(id)}${fragment}`;
}

/** A `$ref` of file `from` resolved to [file id under schemas/, fragment] ("" for the same file). */
function resolveRef(from: string, ref: string): [string, string] {
  const hash = ref.indexOf('#');
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  if (/^[a-z][a-z0-9+.-]*:/i.test(file)) throw new Error(`${from}: absolute $ref ${ref} cannot be put in the OpenAPI document`);
  const target = file ? posix.normalize(posix.join(posix.dirname(from), file)) : from;
  return [target, fragment];
}

/** Keywords whose values are data, not schemas: a "$ref" key inside them is not a reference. */
const DATA = new Set(['const', 'enum', 'default', 'examples', 'example', 'required', 'type', 'dependentRequired']);
/** Keywords holding a map of name → schema (the names are not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Every other keyword a schema may carry in OpenAPI 3.1: JSON Schema 2020-12 and the OAS additions. */
const KNOWN = new Set([
  '$ref', '$comment', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', 'title', 'description', 'deprecated', 'readOnly', 'writeOnly',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'prefixItems', 'items', 'contains', 'additionalProperties', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'format',
  'contentEncoding', 'contentMediaType', 'contentSchema', 'discriminator', 'xml', 'externalDocs',
]);

/**
 * A schema with its refs rewritten. A keyword outside the vocabulary (e.g. json-schema-to-
 * typescript's `tsType`) becomes an `x-` extension: OpenAPI refuses unknown fields, and the
 * value may still help a reader or a generator.
 */
function rewrite(node: unknown, from: string, found: (id: string) => void): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, from, found));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const [target, fragment] = resolveRef(from, value);
      found(target);
      out.$ref = componentRef(target, fragment);
    } else if (DATA.has(key) || key.startsWith('x-')) {
      out[key] = value;
    } else if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, rewrite(sub, from, found)]));
    } else {
      out[KNOWN.has(key) ? key : `x-${key}`] = rewrite(value, from, found);
    }
  }
  return out;
}

/**
 * The components for `roots` and everything they reference. Throws on a reference to a file
 * that does not exist or on two files that would get the same component name, so a broken
 * route spec stops the start (and the tests) instead of publishing a dangling document.
 */
export function collectSchemaComponents(
  roots: Iterable<string>,
  files: Record<string, object>,
): { schemas: Record<string, object>; ids: string[] } {
  const schemas: Record<string, object> = {};
  const owner = new Map<string, string>();
  const queue = [...roots];
  const seen = new Set<string>();
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const file = files[id];
    if (!file) throw new Error(`schema ${id} is referenced but there is no schemas/${id}`);
    const name = schemaComponentName(id);
    if (owner.has(name)) throw new Error(`schemas ${owner.get(name)} and ${id} would both be the component ${name}: rename one`);
    owner.set(name, id);
    const { $id: _id, $schema: _schema, ...body } = file as Record<string, unknown>;
    schemas[name] = rewrite(body, id, (target) => queue.push(target)) as object;
  }
  return { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))), ids: [...seen].sort() };
}
