/**
 * The smallest JSON value a JSON Schema (of schemas/) accepts, for tests that must get a
 * request past body validation without knowing the route: required properties only, the first
 * enum value or anyOf/oneOf branch, minimum lengths and counts. A schema's own `examples[0]`,
 * `default` or `const` wins, so a schema the generator cannot satisfy (a `pattern`, say) is
 * fixed by giving it an example, which also documents it. Not a general-purpose faker.
 *
 * @example
 *   minimalInstance({ $ref: 'api/decide-request.schema.json' }, '', loadSchemaFiles())   // { input: {} }
 */
import { posix } from 'node:path';

type Schema = Record<string, any>;

function resolve(ref: string, from: string, files: Record<string, object>): [Schema, string] {
  const [file = '', fragment = ''] = ref.split('#');
  const id = file ? posix.normalize(posix.join(posix.dirname(from || '.'), file)) : from;
  let node: any = files[id];
  if (!node) throw new Error(`$ref ${ref} (from ${from || 'the root'}): no schemas/${id}`);
  for (const part of fragment.split('/').filter(Boolean)) node = node?.[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
  if (!node) throw new Error(`$ref ${ref} (from ${from}): nothing at #${fragment}`);
  return [node as Schema, id];
}

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-20T15:00:00Z',
  date: '2024-01-20',
  time: '15:00:00Z',
  email: 'someone@example.com',
  uri: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

const PATTERN_TRIES = ['x', 'USD', 'en', 'x1', 'xx', 'xxx', 'X', 'XX', 'x-x', 'x_x', 'x.x', '0', '1', 'x0000000', '2024-01-20'];

export function minimalInstance(schema: unknown, from: string, files: Record<string, object>, depth = 0): unknown {
  if (depth > 32) throw new Error('minimalInstance: schema recursion too deep');
  if (schema === true || schema === undefined || schema === null) return {};
  const s = schema as Schema;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const next = (sub: unknown, file = from) => minimalInstance(sub, file, files, depth + 1);
  if (typeof s.$ref === 'string') {
    const [target, file] = resolve(s.$ref, from, files);
    const rest = { ...s };
    delete rest.$ref;
    const own = Object.keys(rest).some((k) => !['description', 'title', '$comment'].includes(k)) ? next(rest) : undefined;
    const base = next(target, file);
    return own && typeof own === 'object' && base && typeof base === 'object' ? { ...base, ...own } : base;
  }
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((p: unknown) => next(p));
    const rest = { ...s };
    delete rest.allOf;
    if (Object.keys(rest).some((k) => ['type', 'properties', 'required'].includes(k))) parts.push(next(rest));
    return parts.every((p: unknown) => p && typeof p === 'object' && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  if (Array.isArray(s.anyOf ?? s.oneOf)) return next((s.anyOf ?? s.oneOf)[0]);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') ?? 'null' : s.type ?? (s.properties || s.required ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = next(s.properties?.[name]);
      for (const name of Object.keys(s.properties ?? {})) if (Object.keys(out).length < (s.minProperties ?? 0)) out[name] = next(s.properties[name]);
      while (Object.keys(out).length < (s.minProperties ?? 0)) out[`x${Object.keys(out).length}`] = next(typeof s.additionalProperties === 'object' ? s.additionalProperties : {});
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => next(s.items));
    case 'string':
      if (FORMATS[s.format]) return FORMATS[s.format];
      // A pattern cannot be inverted in general: try a few common shapes (codes, languages, keys).
      if (typeof s.pattern === 'string') {
        const re = new RegExp(s.pattern, 'u');
        const found = PATTERN_TRIES.find((t) => re.test(t) && t.length >= (s.minLength ?? 0));
        if (found) return found;
      }
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}
