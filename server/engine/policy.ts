/**
 * compile(document) → a compiled policy, or the list of problems with their JSON paths.
 * Order matters: the cheap iterative shape check first (a 10,000-deep or 50 MB document is
 * refused before anything recursive touches it), then the DSL's JSON Schema, then the
 * expression checks (allow-list, unsafe paths, work bounds), and only then code generation.
 * A refused document is never executed.
 */
import { pointerSegment } from './compiler.ts';
import type { CompileScope } from './compiler.ts';
import { buildClosures, ClosureTree, LazyDerived, LazyEach, LazyPhase, RULE_FIELD } from './closure-tree.ts';
import type { BuiltClosures, CompiledDerived, CompiledEach, CompiledPhase } from './closure-tree.ts';
import { FrameBuilder, frameLayouts } from './frames.ts';
import type { FrameLayout } from './frames.ts';
import { generatePhases } from './codegen.ts';
import { checkExplanations, inputRootsOf } from './explain-check.ts';
import { copy } from './json-copy.ts';
import { checkExpressions, checkShape } from './safety.ts';
import type { Limits } from './safety.ts';
import type { SchemaRegistry, Validator } from './schemas.ts';
import { compileTable } from './tables.ts';
import type { CompiledTable, Problem } from './types.ts';
import type { Derived, Otherwise, PolicyDocument, Rule, Test } from '../types/schemas.gen.ts';

/** The document types are generated from schemas/policy.schema.json (npm run gen:types). */
export type PolicyDoc = PolicyDocument;
export type DerivedDoc = Derived;
export type RuleDoc = Rule;
export type OtherwiseDoc = Otherwise;
export type TestDoc = Test;

export type { CompiledDerived, CompiledRule, CompiledPhase, CompiledEach } from './closure-tree.ts';
export { RULE_FIELD };

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
  each: CompiledEach | null;
  totals: CompiledDerived[];
}

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; problems: Problem[] };

export interface CompileOptions {
  registry: SchemaRegistry;
  /** The raw text the document was parsed from, for the size limit. */
  sourceText?: string;
  limits?: Partial<Limits>;
}


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
  const params = paramValues(doc, options.registry, problems);
  const tables = new Map<string, CompiledTable>();
  for (const [name, def] of Object.entries(doc.tables ?? {})) {
    if (!def) continue;
    try {
      tables.set(name, compileTable(name, def));
    } catch (err) {
      problems.push({ path: `/tables/${pointerSegment(name)}`, message: (err as Error).message });
    }
  }

  const { tableInputs, table } = tablesScope(doc, tables);

  // Frame mode (scope reads are array slots, see frames.ts) unless an expression needs the
  // scope as a whole object; then everything is compiled again in object mode.
  const before = problems.length;
  const frame = new FrameBuilder();
  let escaped = false;
  let phases: Pick<CompiledPolicy, 'main' | 'each' | 'totals'> = buildClosures(doc, { tableInputs, slot: (name) => frame.slot(name), escape: () => { escaped = true; }, table }, problems);
  if (escaped) {
    problems.length = before;
    phases = buildClosures(doc, { tableInputs }, problems);
  } else if (problems.length === before) {
    const built = phases as BuiltClosures;
    const layout = frame.layout({
      main: built.main.lets.map((d) => d.name),
      each: built.each?.lets.map((d) => d.name) ?? [],
      totals: built.totals.map((d) => d.name),
    });
    // The closures are the definition (and the trace's path). Once the policy is hot, its
    // phases are also generated as JavaScript from the same expressions (codegen.ts), and the
    // closures are let go until a traced evaluation needs them again (closure-tree.ts).
    const scope = slotsScope(tablesScope(doc, tables), layout.index);
    const tree = new ClosureTree(doc, scope, built);
    phases = {
      main: new LazyPhase(tree, false),
      each: built.each ? new LazyEach(tree, built.each.overPath, built.each.into) : null,
      totals: built.totals.map((d, i) => new LazyDerived(tree, i, d.name, d.path)),
    };
    layout.tierUp = tierUp(layout, tree, scope);
    frameLayouts.set(phases.main, layout);
  }
  const { main, each, totals } = phases;
  if (problems.length || !validateInput) return { ok: false, problems };
  return {
    ok: true,
    policy: { key: doc.key, title: doc.title, document: doc, params, tables, validateInput, validateOutput, main, each, totals },
  };
}

/**
 * Generates the phases of a hot policy (codegen.ts) and lets its closures go. Made here, not in
 * compile(): a closure of compile() would keep its context (the FrameBuilder, ...) until then.
 */
function tierUp(layout: FrameLayout, tree: ClosureTree, scope: CompileScope): () => void {
  return () => {
    layout.tierUp = null;
    // Built anew for their sites (which the tree does not keep), then let go with the tree's.
    const closures = tree.build();
    const expressions = new Map(closures.sites.map((site) => [site.fn, { node: site.node, path: site.path }] as const));
    layout.program = generatePhases(closures.main, closures.each, closures.totals, layout, RULE_FIELD, copy, expressions, scope);
    if (layout.program) tree.release();
  };
}

/**
 * What the compiler asks of the document's tables. Made here, not in compile(): a closure of
 * compile() would keep its whole context (the FrameBuilder, the problems, ...) as long as the
 * compiled policy lives.
 */
function tablesScope(doc: PolicyDoc, tables: ReadonlyMap<string, CompiledTable>): CompileScope & Required<Pick<CompileScope, 'table'>> {
  return {
    tableInputs: (name) => (Object.prototype.hasOwnProperty.call(doc.tables ?? {}, name) ? doc.tables![name]!.inputs.map((c) => c.name) : null),
    table: (name) => tables.get(name) ?? null,
  };
}

/** The scope of a compiled policy's frame layout: its closures built again find the slots they were given. */
function slotsScope(tablesOf: CompileScope, index: ReadonlyMap<string, number>): CompileScope {
  return {
    ...tablesOf,
    slot: (name) => {
      const slot = index.get(name);
      // Cannot happen (the first build asked for every name); a closure reading no slot would read undefined.
      if (slot === undefined) throw new Error(`no slot for ${JSON.stringify(name)}`);
      return slot;
    },
    escape: () => {},
  };
}

/**
 * The document's param values, each checked against its param's schema (problems at
 * /params/<name>/value…, or /params/<name>/schema for a schema that is not one). Evaluation
 * reads params at run time, so a compiled policy can also take another document's values.
 */
export function paramValues(doc: PolicyDoc, registry: SchemaRegistry, problems: Problem[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(doc.params ?? {})) {
    if (!param) continue;
    params[name] = param.value;
    if (param.schema) {
      const check = compileSchema(registry, param.schema, `/params/${pointerSegment(name)}/schema`, problems);
      for (const p of check?.(param.value) ?? []) problems.push({ path: `/params/${pointerSegment(name)}/value${p.path}`, message: p.message });
    }
  }
  return params;
}

function compileSchema(registry: SchemaRegistry, schema: object, path: string, problems: Problem[]): Validator | null {
  try {
    return registry.compile(schema);
  } catch (err) {
    problems.push({ path, message: `invalid JSON Schema: ${(err as Error).message}` });
    return null;
  }
}
