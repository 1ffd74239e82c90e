/**
 * What of a policy document its compiled form depends on: the document without the texts
 * written for people (title and descriptions, sources, units) at the places the DSL defines
 * them (schemas/policy.schema.json: the document, params, tables and their columns and rows,
 * derived values, rules, otherwise), and without the params' values. Two documents with the
 * same logic key compile to the same closures, tables and validators; only the document itself
 * (its title, texts and param values) differs, and everything that reads those (evaluation
 * reads `params` at run time, explanations, the editor, version views) reads that version's.
 *
 * Param values can be left out because the engine never compiles them into code: expressions
 * read them from the evaluation's `params` (engine/evaluate.ts; simulations already pass other
 * values the same way). So tenants on one template with params of their own (a 14- or a
 * 30-day window) share one compiled logic. Each value is still checked against its param's
 * schema for the version that has it (policy-cache.ts).
 *
 * Everything else is kept, so anything else that could change a decision changes the key:
 * every expression, param name and schema, table cell, schema, pinTo and explanation. A field
 * named "description" anywhere else (an outcome field, a literal in an expression, a JSON
 * Schema annotation) is kept too.
 *
 * @example
 *   logicKey({ ...doc, description: 'Tenant A' }) === logicKey({ ...doc, description: 'Tenant B' });   // true
 */

import { createHash } from 'node:crypto';
import type { SchemaRegistry } from '../engine/index.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The object without the given keys (the value itself when it is not an object). */
function without(value: unknown, keys: readonly string[]): unknown {
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const k of Object.keys(value)) if (!keys.includes(k)) out[k] = value[k];
  return out;
}

const TEXTS = ['description', 'source'] as const;

function eachOf(list: unknown, strip: (item: unknown) => unknown): unknown {
  return Array.isArray(list) ? list.map(strip) : list;
}

function valuesOf(record: unknown, strip: (item: unknown) => unknown): unknown {
  if (!isObject(record)) return record;
  const out: Json = {};
  for (const k of Object.keys(record)) out[k] = strip(record[k]);
  return out;
}

const derived = (d: unknown) => without(d, TEXTS);
const rule = (r: unknown) => without(r, TEXTS);

function table(t: unknown): unknown {
  if (!isObject(t)) return t;
  const out = without(t, TEXTS) as Json;
  if ('inputs' in t) out.inputs = eachOf(t.inputs, (c) => without(c, ['description']));
  if ('outputs' in t) out.outputs = eachOf(t.outputs, (c) => without(c, ['description']));
  if ('rows' in t) out.rows = eachOf(t.rows, (row) => without(row, TEXTS));
  return out;
}

function phase(p: Json, out: Json): void {
  if ('let' in p) out.let = eachOf(p.let, derived);
  if ('rules' in p) out.rules = eachOf(p.rules, rule);
  if ('otherwise' in p) out.otherwise = without(p.otherwise, TEXTS);
}

/** The document reduced to what its compiled form depends on. */
export function policyLogic(document: unknown): unknown {
  if (!isObject(document)) return document;
  const out = without(document, ['title', 'description']) as Json;
  if ('params' in document) out.params = valuesOf(document.params, (p) => without(p, [...TEXTS, 'unit', 'value']));
  if ('tables' in document) out.tables = valuesOf(document.tables, table);
  phase(document, out);
  if ('totals' in document) out.totals = eachOf(document.totals, derived);
  if (isObject(document.each)) {
    const each = { ...document.each };
    phase(document.each, each);
    out.each = each;
  }
  return out;
}

/** A key equal for two documents exactly when their logic is (the hash of policyLogic's JSON text). */
export function logicKey(document: unknown): string {
  // The sha256 of the text, not the text: the cache keeps a key for every distinct logic, and
  // the text is as long as the document's logic (~25 KB for Solum returns).
  return createHash('sha256').update(JSON.stringify(policyLogic(document))).digest('base64');
}

/**
 * The param values of a document whose logic is already compiled (under another document with
 * the same logic key), checked as compile() checks them; null when a value breaks its param's
 * schema, so that the caller compiles the document and reports the problem with its path.
 */
export function ownParams(document: unknown, registry: SchemaRegistry): Record<string, unknown> | null {
  const declared = isObject(document) && isObject(document.params) ? document.params : {};
  const params: Record<string, unknown> = {};
  for (const name of Object.keys(declared)) {
    const param = declared[name];
    if (!isObject(param)) continue;
    params[name] = param.value;
    if (!isObject(param.schema)) continue;
    try {
      if (registry.compile(param.schema)(param.value).length) return null;
    } catch {
      return null; // not a valid JSON Schema: compile() says so at its path
    }
  }
  return params;
}

/**
 * The document with each of its parts (top-level fields, each param and each field of a
 * param) that is equal to the same part of `other` replaced by other's, so that versions on one template (the same texts,
 * params of their own) hold their common parts once. Equal means the same JSON text; parts
 * that differ, or are ordered differently, are kept as they are. Both documents are read-only
 * from here on (cached documents are shared already, by content hash).
 */
export function shareParts(document: unknown, other: unknown): unknown {
  if (!isObject(document) || !isObject(other)) return document;
  const out: Json = {};
  for (const k of Object.keys(document)) {
    const mine = document[k];
    const theirs = other[k];
    if (k === 'params' && isObject(mine) && isObject(theirs)) {
      // A param of another value keeps the other's texts (its description, unit, source, schema).
      const params: Json = {};
      for (const name of Object.keys(mine)) params[name] = sameJson(mine[name], theirs[name]) ? theirs[name] : shareParts(mine[name], theirs[name]);
      out[k] = params;
    } else {
      out[k] = sameJson(mine, theirs) ? theirs : mine;
    }
  }
  return out;
}

/** JSON texts of the parts of cached documents, which many versions are compared with. */
const texts = new WeakMap<object, string>();

function jsonText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) texts.set(value, (text = JSON.stringify(value)));
  return text;
}

function sameJson(mine: unknown, theirs: unknown): boolean {
  if (mine === theirs) return true;
  if (mine === undefined || theirs === undefined) return false;
  return JSON.stringify(mine) === jsonText(theirs);
}
