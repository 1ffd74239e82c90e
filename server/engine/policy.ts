/**
 * compile(document) → a compiled policy, or the list of problems with their JSON paths.
 * Order matters: the cheap iterative shape check first (a 10,000-deep or 50 MB document is
 * refused before anything recursive touches it), then the DSL's JSON Schema, then the
 * expression checks (allow-list, unsafe paths, work bounds), and only then code generation.
 * A refused document is never executed.
 */
import { CompileFault, compileExpression, pointerSegment } from './compiler.ts';
import type { Compiled, CompileScope } from './compiler.ts';
import { FrameBuilder, frameLayouts } from './frames.ts';
import { generatePhases } from './codegen.ts';
import { checkExplanations, inputRootsOf } from './explain-check.ts';
import { copy } from './json-copy.ts';
import { checkExpressions, checkShape } from './safety.ts';
import type { Limits } from './safety.ts';
import type { SchemaRegistry, Validator } from './schemas.ts';
import { compileTable } from './tables.ts';
import { FORBIDDEN_KEYS } from './operators/objects.ts';
import type { TableDefinition } from './tables.ts';
import type { CompiledTable, Problem } from './types.ts';
import type { Derived, Otherwise, PolicyDocument, Rule, Test } from '../types/schemas.gen.ts';

/** The document types are generated from schemas/policy.schema.json (npm run gen:types). */
export type PolicyDoc = PolicyDocument;
export type DerivedDoc = Derived;
export type RuleDoc = Rule;
export type OtherwiseDoc = Otherwise;
export type TestDoc = Test;

export interface CompiledDerived { name: string; path: string; fn: Compiled }
export interface CompiledRule { id: string; path: string; when: Compiled | null; then: Array<[string, Compiled]> }
export interface CompiledPhase { lets: CompiledDerived[]; rules: CompiledRule[] }

export interface CompiledPolicy {
  key: string;
  title: string;
  /** The source document (treat as read-only). */
  document: PolicyDoc;
  params: Record<string, unknown>;
  tables: ReadonlyMap<string, CompiledTable>;
  validateInput: Validator;
  validateOutput: Validator | null;
  main: CompiledPhase;
  each: (CompiledPhase & { over: Compiled; overPath: string; into: string }) | null;
  totals: CompiledDerived[];
}

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; problems: Problem[] };

export interface CompileOptions {
  registry: SchemaRegistry;
  /** The raw text the document was parsed from, for the size limit. */
  sourceText?: string;
  limits?: Partial<Limits>;
}

/** Field the engine adds to every decision and per-item result: the id of the rule that decided. */
export const RULE_FIELD = 'rule';

export function compile(document: unknown, options: CompileOptions): CompileResult {
  const shape = checkShape(document, options.limits, options.sourceText);
  if (shape.length) return { ok: false, problems: shape };
  const schema = options.registry.validatePolicy(document);
  if (schema.length) return { ok: false, problems: schema };
  const doc = document as PolicyDoc;
  const expressions = checkExpressions(doc, options.limits);
  if (expressions.length) return { ok: false, problems: expressions };

  // Explanation texts: placeholders must name values the decision has (explain-check.ts).
  const problems: Problem[] = checkExplanations(doc, inputRootsOf(doc));
  const validateInput = compileSchema(options.registry, doc.input, '/input', problems);
  const validateOutput = doc.output ? compileSchema(options.registry, doc.output, '/output', problems) : null;
  const params: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(doc.params ?? {})) {
    if (!param) continue;
    params[name] = param.value;
    if (param.schema) {
      const check = compileSchema(options.registry, param.schema, `/params/${pointerSegment(name)}/schema`, problems);
      for (const p of check?.(param.value) ?? []) problems.push({ path: `/params/${pointerSegment(name)}/value${p.path}`, message: p.message });
    }
  }
  const tables = new Map<string, CompiledTable>();
  for (const [name, def] of Object.entries(doc.tables ?? {})) {
    if (!def) continue;
    try {
      tables.set(name, compileTable(name, def));
    } catch (err) {
      problems.push({ path: `/tables/${pointerSegment(name)}`, message: (err as Error).message });
    }
  }

  const tableInputs = (name: string) => (Object.prototype.hasOwnProperty.call(doc.tables ?? {}, name) ? doc.tables![name]!.inputs.map((c) => c.name) : null);
  const sites: Array<{ node: unknown; path: string; fn: Compiled }> = [];
  const build = (scope: CompileScope) => {
    sites.length = 0;
    const expr = (node: unknown, path: string): Compiled => {
      try {
        const fn = compileExpression(node, path, scope);
        sites.push({ node, path, fn });
        return fn;
      } catch (err) {
        if (err instanceof CompileFault) problems.push({ path: err.path, message: err.message });
        else problems.push({ path, message: `cannot compile: ${(err as Error).message}` });
        return () => null;
      }
    };
    const derived = (list: DerivedDoc[] | undefined, base: string): CompiledDerived[] =>
      (list ?? []).map((d, i) => ({ name: d.name, path: `${base}/${i}`, fn: expr(d.value, `${base}/${i}/value`) }));
    const outcome = (then: Record<string, unknown>, base: string): Array<[string, Compiled]> =>
      Object.entries(then).map(([field, value]) => {
        if (field === RULE_FIELD) problems.push({ path: `${base}/${RULE_FIELD}`, message: `"${RULE_FIELD}" is set by the engine (the id of the matched rule)` });
        // Assigned into the decision object, "__proto__" would set its prototype, not a field.
        if (FORBIDDEN_KEYS.has(field)) problems.push({ path: `${base}/${pointerSegment(field)}`, message: `"${field}" cannot be a decision field` });
        return [field, expr(value, `${base}/${pointerSegment(field)}`)];
      });
    const phase = (lets: DerivedDoc[] | undefined, letBase: string, rules: RuleDoc[], otherwise: OtherwiseDoc, base: string): CompiledPhase => ({
      lets: derived(lets, letBase),
      rules: [
        ...rules.map((r, i) => ({ id: r.id, path: `${base}rules/${i}`, when: expr(r.when, `${base}rules/${i}/when`), then: outcome(r.then, `${base}rules/${i}/then`) })),
        { id: otherwise.id ?? 'otherwise', path: `${base}otherwise`, when: null, then: outcome(otherwise.then, `${base}otherwise/then`) },
      ],
    });
    const main = phase(doc.let, '/let', doc.rules, doc.otherwise, '/');
    const each = doc.each
      ? { ...phase(doc.each.let, '/each/let', doc.each.rules, doc.each.otherwise, '/each/'), over: expr(doc.each.over, '/each/over'), overPath: '/each/over', into: doc.each.into ?? 'items' }
      : null;
    const totals = derived(doc.totals, '/totals');
    return { main, each, totals };
  };

  // Frame mode (scope reads are array slots, see frames.ts) unless an expression needs the
  // scope as a whole object; then everything is compiled again in object mode.
  const before = problems.length;
  const frame = new FrameBuilder();
  let escaped = false;
  const frameScope: CompileScope = { tableInputs, slot: (name) => frame.slot(name), escape: () => { escaped = true; }, table: (name) => tables.get(name) ?? null };
  let phases = build(frameScope);
  if (escaped) {
    problems.length = before;
    phases = build({ tableInputs });
  } else {
    const layout = frame.layout({
      main: phases.main.lets.map((d) => d.name),
      each: phases.each?.lets.map((d) => d.name) ?? [],
      totals: phases.totals.map((d) => d.name),
    });
    // The closures are the definition (and the trace's path). Once the policy is hot, its
    // phases are also generated as JavaScript from the same expressions (codegen.ts).
    const generated = phases;
    const expressions = new Map(sites.map((site) => [site.fn, { node: site.node, path: site.path }] as const));
    layout.tierUp = () => {
      layout.tierUp = null;
      layout.program = generatePhases(generated.main, generated.each, generated.totals, layout, RULE_FIELD, copy, expressions, frameScope);
    };
    frameLayouts.set(phases.main, layout);
  }
  const { main, each, totals } = phases;
  if (problems.length || !validateInput) return { ok: false, problems };
  return {
    ok: true,
    policy: { key: doc.key, title: doc.title, document: doc, params, tables, validateInput, validateOutput, main, each, totals },
  };
}

function compileSchema(registry: SchemaRegistry, schema: object, path: string, problems: Problem[]): Validator | null {
  try {
    return registry.compile(schema);
  } catch (err) {
    problems.push({ path, message: `invalid JSON Schema: ${(err as Error).message}` });
    return null;
  }
}
