/**
 * Params never used: no expression reads `params.<name>` (with `var`, or `root` inside an
 * iteration), no explanation text has a `{params.<name>…}` placeholder, and no table or
 * expression names it as a string for a lookup of the whole params object (Solum's
 * `{"get": [{"var": "params"}, {"var": "partialRefund.rateParam"}]}`, whose table rows hold
 * the param names). A read the analysis cannot follow (a computed path, the whole scope, the
 * whole params object passed to anything but `get`) counts as reading every param.
 */
import { expressionSites, isRecord, pointer } from '../expression-sites.ts';
import type { PolicyLike } from '../expression-sites.ts';
import type { Warning } from './warnings.ts';

/** Operators whose second argument runs once per element with the element as `var`'s data. */
const ITERATION = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

interface Reads {
  names: Set<string>;
  /** The whole params object is read, only as `get`'s first argument. */
  wholeByGet: boolean;
  /** Something may read any param. */
  everything: boolean;
  strings: Set<string>;
}

function path(arg: unknown): string | null | undefined {
  const p = Array.isArray(arg) ? arg[0] : arg;
  if (typeof p === 'string') return p;
  if (typeof p === 'number') return String(p);
  if (p === undefined || p === null) return '';
  return null; // computed
}

function note(reads: Reads, p: string | null | undefined, asGetTarget: boolean): void {
  if (p === null || p === undefined || p === '') { reads.everything = true; return; }
  if (p === 'params') { if (asGetTarget) reads.wholeByGet = true; else reads.everything = true; return; }
  if (p.startsWith('params.')) reads.names.add(p.slice('params.'.length).split('.')[0]!);
}

function walk(node: unknown, reads: Reads, inIteration: boolean, asGetTarget = false): void {
  if (typeof node === 'string') { reads.strings.add(node); return; }
  if (Array.isArray(node)) { for (const x of node) walk(x, reads, inIteration); return; }
  if (!isRecord(node)) return;
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const op = keys[0]!;
    const arg = node[op];
    if (op === 'var' || op === 'root') {
      if (op === 'root' || !inIteration) note(reads, path(arg), asGetTarget);
      if (Array.isArray(arg)) arg.forEach((x, i) => (i === 0 && typeof x !== 'object' ? undefined : walk(x, reads, inIteration)));
      else if (typeof arg === 'object') walk(arg, reads, inIteration);
      return;
    }
    if ((op === 'missing' || op === 'missing_some') && !inIteration) {
      // Their string arguments are paths read like var's ({"missing": ["params.fee"]}).
      const paths = op === 'missing_some' && Array.isArray(arg) ? arg[1] : arg;
      for (const p of Array.isArray(paths) ? paths : [paths]) if (typeof p === 'string') note(reads, p, false);
    }
    if (op === 'get' && Array.isArray(arg)) {
      walk(arg[0], reads, inIteration, true);
      for (const x of arg.slice(1)) walk(x, reads, inIteration);
      return;
    }
    if (ITERATION.has(op) && Array.isArray(arg)) {
      arg.forEach((x, i) => walk(x, reads, inIteration || i === 1));
      return;
    }
  }
  for (const v of Object.values(node)) walk(v, reads, inIteration);
}

/** Every string of the document outside params, tests and fixtures (explanations live anywhere). */
function placeholders(doc: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.includes('params.')) for (const m of v.matchAll(/\{\s*params\.([A-Za-z][A-Za-z0-9_]*)/g)) out.add(m[1]!);
    }
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isRecord(v)) Object.values(v).forEach(visit);
  };
  for (const [k, v] of Object.entries(doc)) if (k !== 'params' && k !== 'tests' && k !== 'fixtures') visit(v);
  return out;
}

export function unusedParams(doc: PolicyLike & Record<string, unknown>): Warning[] {
  if (!isRecord(doc.params)) return [];
  const reads: Reads = { names: new Set(), wholeByGet: false, everything: false, strings: new Set() };
  for (const site of expressionSites(doc)) walk(site.expr, reads, false);
  if (reads.everything) return [];
  if (reads.wholeByGet && isRecord(doc.tables)) {
    for (const t of Object.values(doc.tables)) {
      if (!isRecord(t) || !Array.isArray(t.rows)) continue;
      for (const r of t.rows) if (isRecord(r)) walk(r.then, reads, true);
      walk(t.default, reads, true);
    }
  }
  const explained = placeholders(doc);
  const out: Warning[] = [];
  for (const name of Object.keys(doc.params)) {
    if (reads.names.has(name) || explained.has(name) || (reads.wholeByGet && reads.strings.has(name))) continue;
    out.push({
      path: pointer('/params', name),
      code: 'unused-param',
      message: `param \`${name}\` is never used: no expression, table lookup or explanation reads it`,
    });
  }
  return out;
}
