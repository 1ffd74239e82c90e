/**
 * Reads a route's query string as declared in its RouteSpec (`query: ParameterSpec[]`), so the
 * OpenAPI document and what the server accepts cannot drift: each value is validated against
 * its parameter's JSON Schema (numbers and booleans converted from text first), an undeclared
 * parameter is refused rather than silently ignored (a typo like `?acton=` must not return
 * everything), and every problem is a 400 `invalid_query` with the path `/query/<name>`.
 *
 * @example
 *   const q = readQuery<{ limit?: number; since?: string }>(c, auditRoutes.list);
 */
import type { Context } from 'hono';
import { schemaRegistry } from '../catalog/schema-files.ts';
import type { Validator } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import type { RouteSpec } from './route-spec.ts';

const validators = new WeakMap<RouteSpec, Validator>();

function validator(spec: RouteSpec): Validator {
  let v = validators.get(spec);
  if (!v) {
    const params = spec.query ?? [];
    v = schemaRegistry().compile({
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
      required: params.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    });
    validators.set(spec, v);
  }
  return v;
}

/** The declared query parameters of the request, typed and validated. */
export function readQuery<Q extends Record<string, unknown>>(c: Context, spec: RouteSpec): Q {
  const declared = new Map((spec.query ?? []).map((p) => [p.name, p.schema as { type?: unknown }]));
  const raw = c.req.queries();
  const values: Record<string, unknown> = {};
  const problems: Array<{ path: string; message: string }> = [];
  for (const [name, all] of Object.entries(raw)) {
    const schema = declared.get(name);
    if (!schema) {
      problems.push({ path: `/query/${name}`, message: `is not a parameter of this route${declared.size ? ` (it takes ${[...declared.keys()].join(', ')})` : ''}` });
      continue;
    }
    if (all.length > 1) {
      problems.push({ path: `/query/${name}`, message: 'must be given once' });
      continue;
    }
    values[name] = convert(all[0]!, schema.type);
  }
  problems.push(...validator(spec)(values).map((p) => ({ path: `/query${p.path}`, message: p.message })));
  if (problems.length) throw new ServiceError('invalid_query', 'the query string does not match what this route takes', problems);
  return values as Q;
}

/** Text to the declared type where it reads as one; otherwise left as text for the schema to refuse. */
function convert(text: string, type: unknown): unknown {
  // Not beyond a double's range: Infinity would pass ajv's integer check.
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
