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
