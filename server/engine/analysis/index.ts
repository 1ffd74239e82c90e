/**
 * Static analysis of a policy document: warnings about what is legal but almost surely not
 * meant. Pure (the editor runs it on every change, the server on every save and validate).
 * It runs on documents that compile; on anything else it returns what it can and never throws.
 *
 *   unreachable-rule / unreachable-otherwise  rules.ts    shadowed by earlier `when`s (first match)
 *   table-gap / table-unreachable-row         tables.ts   decision tables under hit policy first
 *   unused-param                              params.ts   params nothing reads
 *   missing-output                            outputs.ts  decision fields a rule leaves out
 *   empty-date-window                         dates.ts    windows whose start is after their end
 *
 * @example
 *   analyzePolicy({ key: 'p', title: 'P', input: {}, params: { fee: { value: 5, description: 'unused' } },
 *     rules: [{ id: 'all', when: true, then: { ok: true } }, { id: 'late', when: { var: 'late' }, then: { ok: false } }],
 *     otherwise: { then: { ok: false } } }, { schema: registry.schema });
 *   // [{ path: '/params/fee', code: 'unused-param', message: 'param `fee` is never used: …' },
 *   //  { path: '/rules/1/when', code: 'unreachable-rule', message: 'rule `late` never applies: rule `all` before it always applies …' },
 *   //  { path: '/otherwise', code: 'unreachable-otherwise', message: '`otherwise` never applies: …' }]
 */
import { expressionSites, isRecord } from '../expression-sites.ts';
import type { ExpressionSiteKind, PolicyLike } from '../expression-sites.ts';
import { isInputsMap } from '../safety-tables.ts';
import type { ConditionContext, FiniteDomains } from './conditions.ts';
import { emptyDateWindows } from './dates.ts';
import { ANY, domainOf, items, property, union, viewOf } from './domains.ts';
import type { Domain, DomainScope, SchemaLookup, SchemaView } from './domains.ts';
import { outputWarnings } from './outputs.ts';
import { unusedParams } from './params.ts';
import { unreachableRules } from './rules.ts';
import { analyseTable } from './tables.ts';
import { WARNING_CODES } from './warnings.ts';
import type { Warning, WarningCode } from './warnings.ts';

export type { Warning, WarningCode } from './warnings.ts';
export { WARNING_CODES } from './warnings.ts';

export interface AnalyzeOptions {
  /** A schema of schemas/ by its $id, to resolve `input`/`output` refs (SchemaRegistry.schema). Without it, referenced schemas are unknown. */
  schema?: SchemaLookup;
}

const ITERATION = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);
/** Literal checks and enumerated cases the rule analysis may spend per document (the seed policies use under 5% of it). */
const RULE_WORK = 300_000;

export function analyzePolicy(document: unknown, options: AnalyzeOptions = {}): Warning[] {
  if (!isRecord(document)) return [];
  const doc = document as PolicyLike & Record<string, unknown>;
  const paramsDoc = isRecord(doc.params) ? doc.params : {};
  const params = Object.fromEntries(Object.entries(paramsDoc).map(([k, p]) => [k, isRecord(p) ? p.value : undefined]));
  const lookupFor = (inline: unknown): SchemaLookup => (id) => (id === '' ? (isRecord(inline) ? inline : undefined) : options.schema?.(id));
  const input = viewOf(doc.input, '', lookupFor(doc.input));
  const output = viewOf(doc.output, '', lookupFor(doc.output));
  const ctx: ConditionContext = { params };
  const out: Warning[] = [];

  const scopes = buildScopes(doc, input, params, lookupFor(doc.input));
  // Bounded work (a 500-rule document of wide conditions must not hold a request): past the
  // budget the rules are not analysed further, and nothing is claimed about them.
  const budget = { left: RULE_WORK };
  out.push(...unreachableRules(doc.rules, doc.otherwise, '/rules', ctx, finiteDomains(scopes.main), budget));
  const each = isRecord(doc.each) ? doc.each : null;
  if (each) out.push(...unreachableRules(each.rules, each.otherwise, '/each/rules', ctx, finiteDomains(scopes.each), budget));

  const domains = tableDomains(doc, scopes);
  if (isRecord(doc.tables)) {
    for (const [name, table] of Object.entries(doc.tables)) if (isRecord(table)) out.push(...analyseTable(name, table, domains.get(name) ?? null));
  }
  out.push(...unusedParams(doc));
  out.push(...outputWarnings(doc, output, lookupFor(doc.output)));
  out.push(...emptyDateWindows(doc));
  return sortWarnings(out);
}

/** Document order of the sections, then the path: what a reader scanning top to bottom meets first. */
function sortWarnings(list: Warning[]): Warning[] {
  const order = ['params', 'tables', 'let', 'each', 'totals', 'rules', 'otherwise'];
  const rank = (p: string) => {
    const i = order.indexOf(p.split('/')[1] ?? '');
    return i < 0 ? order.length : i;
  };
  const segs = (p: string) => p.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const cmp = (a: Warning, b: Warning) => {
    if (rank(a.path) !== rank(b.path)) return rank(a.path) - rank(b.path);
    const [x, y] = [segs(a.path), segs(b.path)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === y[i]) continue;
      if (typeof x[i] === 'number' && typeof y[i] === 'number') return (x[i] as number) - (y[i] as number);
      return String(x[i]) < String(y[i]) ? -1 : 1;
    }
    return x.length - y.length || WARNING_CODES.indexOf(a.code) - WARNING_CODES.indexOf(b.code);
  };
  return [...list].sort(cmp);
}

/**
 * Values of `var` reads that the schema (through derived values) pins to a few literals or a
 * number's range; params are not pinned (see domainOf).
 */
function finiteDomains(scope: DomainScope): FiniteDomains {
  const cache = new Map<string, ReturnType<FiniteDomains>>();
  return (term) => {
    if (cache.has(term)) return cache.get(term)!;
    const m = /^var\((.+)\)$/.exec(term);
    const d = m ? domainOf({ var: m[1] }, scope, 0, false) : null;
    const known = d && !d.open && d.values.length <= 16 && (d.values.length > 0 || d.num) ? { values: d.values, ...(d.num ? { range: d.num } : {}) } : null;
    cache.set(term, known);
    return known;
  };
}

interface Scopes {
  main: DomainScope;
  each: DomainScope;
}

function buildScopes(doc: PolicyLike & Record<string, unknown>, input: SchemaView | null, params: Record<string, unknown>, lookup: SchemaLookup): Scopes {
  const mainLets = new Map<string, { value: unknown; scope: DomainScope }>();
  const eachDoc = isRecord(doc.each) ? doc.each : null;
  const into = eachDoc ? (typeof eachDoc.into === 'string' ? eachDoc.into : 'items') : null;
  const main: DomainScope = { lets: mainLets, input, item: null, params, lookup, engineNames: new Set(into ? [into, 'item', 'itemIndex'] : ['item', 'itemIndex']) };
  const add = (list: unknown, into: Map<string, { value: unknown; scope: DomainScope }>, scope: DomainScope) => {
    if (Array.isArray(list)) for (const d of list) if (isRecord(d) && typeof d.name === 'string') into.set(d.name, { value: d.value, scope });
  };
  add(doc.let, mainLets, main);
  let itemView: SchemaView | null = null;
  const over = eachDoc?.over;
  if (isRecord(over) && typeof over.var === 'string') {
    let view: SchemaView | null = input;
    for (const seg of over.var.split('.')) view = property(view, seg, lookup);
    itemView = items(view, lookup);
  }
  const eachLets = new Map(mainLets);
  const each: DomainScope = { lets: eachLets, input, item: itemView, params, lookup, engineNames: new Set(['itemIndex']) };
  add(eachDoc?.let, eachLets, each);
  // Totals see the per-item results, whose values the analysis does not follow: they stay unknown.
  add(doc.totals, mainLets, main);
  return { main, each };
}

/** Each table's column domains: the union over the lookups that call it (null: no lookup to learn from). */
function tableDomains(doc: PolicyLike & Record<string, unknown>, scopes: Scopes): Map<string, Map<string, Domain> | null> {
  const tables = isRecord(doc.tables) ? doc.tables : {};
  const columnsOf = (name: string): string[] => {
    const t = tables[name];
    return isRecord(t) && Array.isArray(t.inputs) ? t.inputs.filter(isRecord).map((c) => String(c.name)) : [];
  };
  const found = new Map<string, Map<string, Domain> | null>();
  let unknownCall = false;
  const record = (name: string, cols: Map<string, Domain>) => {
    const prev = found.get(name);
    if (!prev) { found.set(name, cols); return; }
    for (const [c, d] of cols) prev.set(c, union(prev.get(c)!, d));
  };
  const visit = (node: unknown, scope: DomainScope, inIteration: boolean): void => {
    if (Array.isArray(node)) { node.forEach((x) => visit(x, scope, inIteration)); return; }
    if (!isRecord(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'table') {
      const a = Array.isArray(node.table) ? node.table : [node.table];
      const name = a[0];
      if (typeof name !== 'string') unknownCall = true;
      else if (Object.hasOwn(tables, name)) {
        const cols = new Map<string, Domain>();
        const inputs = isInputsMap(a[1], columnsOf(name)) ? (a[1] as Record<string, unknown>) : null;
        for (const c of columnsOf(name)) {
          cols.set(c, !inputs || inIteration ? ANY : Object.hasOwn(inputs, c) ? domainOf(inputs[c], scope) : { values: [null], open: false });
        }
        record(name, cols);
      }
    }
    if (keys.length === 1 && ITERATION.has(keys[0]!) && Array.isArray(node[keys[0]!])) {
      (node[keys[0]!] as unknown[]).forEach((x, i) => visit(x, scope, inIteration || i > 0));
      return;
    }
    for (const v of Object.values(node)) visit(v, scope, inIteration);
  };
  const eachKinds: ReadonlySet<ExpressionSiteKind> = new Set(['each.over', 'each.let', 'each.rule.when', 'each.rule.then', 'each.otherwise.then']);
  for (const site of expressionSites(doc)) visit(site.expr, eachKinds.has(site.kind) ? scopes.each : scopes.main, false);
  if (unknownCall) for (const [, cols] of found) for (const [c, d] of cols ?? []) cols!.set(c, union(d, ANY));
  return found;
}
