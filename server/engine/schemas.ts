/**
 * The JSON Schema registry: one Ajv (draft 2020-12) instance holding every schema of
 * schemas/ under its relative $id, so a policy's `input: {"$ref": "solum/returns.request.schema.json"}`
 * resolves the same way on the server, in the CLI and in the editor bundle.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fastDate, fastDateTime } from './formats.ts';
import { flattenSchema } from './schema-flatten.ts';
import { compileFlatCheck } from './schema-check.ts';
import type { Problem } from './types.ts';

// ajv-formats is CommonJS: Node hands us module.exports, a bundler may hand us its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export type Validator = (value: unknown) => Problem[];

export interface SchemaRegistry {
  /** Compiles a schema (inline or {"$ref"}) into a validator returning path-named problems. */
  compile(schema: object): Validator;
  /** The DSL's own validator (schemas/policy.schema.json). */
  validatePolicy: Validator;
  has(id: string): boolean;
  /** The schema document (or subschema) registered under an $id, e.g. "solum/returns.input.schema.json"; for the static analysis. */
  schema(id: string): object | undefined;
}

/** A compiled regular expression as ajv uses one; toString() names it (ajv's cache key). */
export type RegExpLike = { test(text: string): boolean; toString(): string };

export interface SchemaRegistryOptions {
  /**
   * How a `pattern` (or `patternProperties` key) written in a policy document is compiled: a
   * linear-time engine on the server, because JavaScript's backtracking RegExp lets a pattern
   * like ^(a+)+$ take exponential time on a 40-character string, and schemas of a document run
   * on the main thread (a param's schema when it is compiled, the input schema at every
   * decision). The patterns of schemas/ are ours and keep the native RegExp. Absent: native
   * RegExp for all (the editor, checking its own tab's document).
   */
  untrustedRegExp?: (pattern: string, flags: string) => RegExpLike;
}

/** Builds a registry from schema documents keyed by their path under schemas/ (= their $id). */
export function createSchemaRegistry(schemas: Record<string, object>, options: SchemaRegistryOptions = {}): SchemaRegistry {
  const regExp = patternEngine(schemas, options.untrustedRegExp);
  const registryAjv = (allErrors: boolean): Ajv2020 => {
    const instance = new Ajv2020({ allErrors, strict: true, allowUnionTypes: true, ...(regExp ? { code: { regExp } } : {}) });
    addFormats(instance);
    speedUpFormats(instance);
    // json-schema-to-typescript's annotation for values of any JSON type (see scripts/gen-types.ts).
    instance.addKeyword({ keyword: 'tsType', schemaType: 'string' });
    for (const [id, schema] of Object.entries(schemas)) {
      const declared = (schema as { $id?: unknown }).$id;
      instance.addSchema(schema, declared === undefined ? id : undefined);
    }
    return instance;
  };
  const ajv = registryAjv(true);
  // Listing every problem costs ajv time quadratic in their number (the errors of each call to a
  // $ref'd schema are concatenated onto the list so far): an order of 100,000 wrong items held
  // the event loop for 26 s. A value of more than ALL_ERRORS_MAX_VALUES values that is refused
  // gets its first problem only, from a validator that stops there (made when first needed).
  let stopAtFirst: Ajv2020 | null = null;
  const bounded = (schema: object, full: ValidateFunction): Validator => {
    let first: ValidateFunction | null = null;
    return (value) => {
      if (!largerThan(value, ALL_ERRORS_MAX_VALUES)) return full(value) ? [] : toProblems(full);
      first ??= (stopAtFirst ??= registryAjv(false)).compile(schema);
      return first(value) ? [] : toProblems(first);
    };
  };
  // The accept/reject check of an input runs a flattened copy of its schema (schema-flatten.ts)
  // on a second instance that stops at the first error: one function, no per-$ref calls. Only
  // when it refuses does the full validator run, to list every problem with its path.
  const byId = new Map<string, object>();
  for (const [id, schema] of Object.entries(schemas)) {
    const declared = (schema as { $id?: unknown }).$id;
    byId.set(typeof declared === 'string' ? declared : id, schema);
  }
  const firstError = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true, ...(regExp ? { code: { regExp } } : {}) });
  addFormats(firstError);
  speedUpFormats(firstError);
  firstError.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  const cache = new WeakMap<object, Validator>();
  // Policies mostly refer to a shared schema ({"$ref": "solum/returns.input.schema.json"}): one
  // compiled flat check per distinct flattened schema serves them all.
  const flatChecks = new Map<string, ((value: unknown) => boolean) | null>();
  // One validator per schema content, whichever document or version it comes from: ajv keeps
  // every schema object it compiled (its cache is keyed by object), so a version compiled again
  // (another tenant's copy, a draft, the LRU's next miss) added a validator of ~40 KB for good.
  const byContent = new Map<string, Validator>();
  const compile = (schema: object): Validator => {
    const hit = cache.get(schema);
    if (hit) return hit;
    const key = JSON.stringify(schema);
    let validator = byContent.get(key);
    if (!validator) {
      const full = bounded(schema, ajv.compile(schema));
      const fast = fastCheck(firstError, regExp, schema, byId, flatChecks);
      validator = fast ? (value: unknown) => (fast(value) ? [] : full(value)) : full;
      byContent.set(key, validator);
    }
    cache.set(schema, validator);
    return validator;
  };
  const policySchema = ajv.getSchema('policy.schema.json');
  if (!policySchema) throw new Error('schema registry: policy.schema.json is missing');
  const validatePolicy = bounded({ $ref: 'policy.schema.json' }, policySchema);
  return {
    compile,
    validatePolicy,
    has: (id) => ajv.getSchema(id) !== undefined,
    schema: (id) => byId.get(id),
  };
}

/**
 * ajv's regExp option: native RegExp for the patterns of our own schemas, the untrusted engine
 * for any other (a document's). Null without an untrusted engine (ajv's default then).
 */
function patternEngine(schemas: Record<string, object>, untrusted: SchemaRegistryOptions['untrustedRegExp']) {
  if (!untrusted) return null;
  const trusted = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') trusted.add(value);
        if (key === 'patternProperties' && value !== null && typeof value === 'object') for (const p of Object.keys(value)) trusted.add(p);
        walk(value);
      }
    }
  };
  walk(schemas);
  const engine = (pattern: string, flags: string): RegExpLike => (trusted.has(pattern) ? new RegExp(pattern, flags) : untrusted(pattern, flags));
  // ajv names the function in standalone code only; it must not be "new RegExp" (that would bypass it).
  return Object.assign(engine, { code: 'policyPatternEngine' });
}

/**
 * The flattened schema compiled for accept/reject, or null (then the full validator alone): our
 * own generated check (schema-check.ts) where it covers the schema's keywords, else ajv's code
 * for the flat schema on the first-error instance.
 */
function fastCheck(ajv: Ajv2020, regExp: ReturnType<typeof patternEngine>, schema: object, byId: ReadonlyMap<string, object>, shared: Map<string, ((value: unknown) => boolean) | null>): ((value: unknown) => boolean) | null {
  const flat = flattenSchema(schema, byId);
  if (!flat) return null;
  const key = JSON.stringify(flat);
  const hit = shared.get(key);
  if (hit !== undefined) return hit;
  let check: ((value: unknown) => boolean) | null = compileFlatCheck(flat, { formats: (ajv as unknown as { formats: Record<string, unknown> }).formats, regExp });
  if (!check) {
    try {
      const fn = ajv.compile(flat);
      check = (value) => fn(value) === true;
    } catch {
      check = null;
    }
  }
  if (shared.size >= 1000) shared.clear();
  shared.set(key, check);
  return check;
}

type FormatDefinition = { validate: (value: string) => boolean; compare?: unknown };

/** Replaces ajv-formats' "date" and "date-time" with equivalent checks that are fast on the usual shapes (see formats.ts). */
function speedUpFormats(ajv: Ajv2020): void {
  const formats = (ajv as unknown as { formats: Record<string, FormatDefinition | undefined> }).formats;
  for (const [name, fast] of [['date', fastDate], ['date-time', fastDateTime]] as const) {
    const def = formats[name];
    if (!def || typeof def.validate !== 'function') throw new Error(`schema registry: ajv-formats has no "${name}" format`);
    ajv.addFormat(name, { ...def, validate: fast(def.validate) } as never);
  }
}

/** Values (every object, array and scalar) past which a refused value lists its first problem only. */
export const ALL_ERRORS_MAX_VALUES = 10_000;

/** True when the value holds more than `max` values, counted without recursion and no further. */
function largerThan(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length) {
    const v = stack.pop();
    if (++count > max) return true;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
      else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return false;
}

function toProblems(fn: ValidateFunction): Problem[] {
  // A propertyNames failure comes with the failing sub-schema's errors on the same name: keep one.
  const errors = (fn.errors ?? []).filter((e) => e.propertyName === undefined || e.keyword === 'propertyNames');
  return dedupe(errors.map(toProblem));
}

/** Points each problem at the offending property itself, not its parent. */
function toProblem(e: ErrorObject): Problem {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    return { path: `${e.instancePath}/${escape(String(params.missingProperty))}`, message: 'is required' };
  }
  if (e.keyword === 'additionalProperties') {
    return { path: `${e.instancePath}/${escape(String(params.additionalProperty))}`, message: 'is not allowed here' };
  }
  if (e.keyword === 'propertyNames') {
    const name = String(params.propertyName);
    return { path: `${e.instancePath}/${escape(name)}`, message: `${JSON.stringify(name)} is not an allowed name here` };
  }
  if (e.keyword === 'enum') {
    return { path: e.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { path: e.instancePath, message: e.message ?? `fails ${e.keyword}` };
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
