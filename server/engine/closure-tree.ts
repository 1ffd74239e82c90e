/**
 * The closures of a compiled policy (compiler.ts), built from its document, and what holds them.
 *
 * In frame mode a hot policy decides through generated JavaScript (codegen.ts); its closures
 * then only serve traced evaluations, yet with the expression sites they were more than half
 * of the heap a hot seed document held (bench/compiled-memory.ts). So a ClosureTree lets them go
 * once the phases are generated and builds them again, from the document, on the next use
 * that needs them (a traced evaluation): the same document and slots give the same closures.
 * The policy's phases are handles (LazyPhase, LazyDerived) that reach the closures through it.
 */
import { CompileFault, compileExpression, pointerSegment } from './compiler.ts';
import type { Compiled, CompileScope } from './compiler.ts';
import { FORBIDDEN_KEYS } from './operators/objects.ts';
import type { Problem } from './types.ts';
import type { Derived, Otherwise, PolicyDocument, Rule } from '../types/schemas.gen.ts';

export interface CompiledDerived { name: string; path: string; fn: Compiled }
/**
 * A rule: its outcome's fields in the document's order, each with the closure of its value at
 * the same index (two arrays per rule, not an array of pairs: a pair was an array of its own,
 * ~64 bytes, for each of a seed document's ~94 decision fields).
 */
export interface CompiledRule { id: string; path: string; when: Compiled | null; fields: string[]; values: Compiled[] }
export interface CompiledPhase { lets: CompiledDerived[]; rules: CompiledRule[] }
export type CompiledEach = CompiledPhase & { over: Compiled; overPath: string; into: string };

/** A compiled expression with the JSON-logic and JSON Pointer it came from (what codegen.ts generates from). */
export interface Site { node: unknown; path: string; fn: Compiled }

export interface Closures {
  main: CompiledPhase;
  each: CompiledEach | null;
  totals: CompiledDerived[];
}

/** Closures as built, with the expression each top-level closure was compiled from. */
export interface BuiltClosures extends Closures {
  sites: Site[];
}

/** Field the engine adds to every decision and per-item result: the id of the rule that decided. */
export const RULE_FIELD = 'rule';

/**
 * Compiles every expression of the document with `scope`; problems found go to `problems`
 * (an expression that does not compile is then a closure giving null).
 */
export function buildClosures(doc: PolicyDocument, documentScope: CompileScope, problems: Problem[]): BuiltClosures {
  // Equal constants and reads share a closure (compiler.ts): sites may then share one, with the same node.
  const scope: CompileScope = { ...documentScope, shared: true };
  const sites: Site[] = [];
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
  const derived = (list: Derived[] | undefined, base: string): CompiledDerived[] =>
    (list ?? []).map((d, i) => ({ name: d.name, path: `${base}/${i}`, fn: expr(d.value, `${base}/${i}/value`) }));
  const outcome = (then: Record<string, unknown>, base: string): Pick<CompiledRule, 'fields' | 'values'> => {
    const fields: string[] = [];
    const values: Compiled[] = [];
    for (const [field, value] of Object.entries(then)) {
      if (field === RULE_FIELD) problems.push({ path: `${base}/${RULE_FIELD}`, message: `"${RULE_FIELD}" is set by the engine (the id of the matched rule)` });
      // Assigned into the decision object, "__proto__" would set its prototype, not a field.
      if (FORBIDDEN_KEYS.has(field)) problems.push({ path: `${base}/${pointerSegment(field)}`, message: `"${field}" cannot be a decision field` });
      fields.push(field);
      values.push(expr(value, `${base}/${pointerSegment(field)}`));
    }
    return { fields, values };
  };
  const phase = (lets: Derived[] | undefined, letBase: string, rules: Rule[], otherwise: Otherwise, base: string): CompiledPhase => ({
    lets: derived(lets, letBase),
    rules: [
      ...rules.map((r, i) => ({ id: r.id, path: `${base}rules/${i}`, when: expr(r.when, `${base}rules/${i}/when`), ...outcome(r.then, `${base}rules/${i}/then`) })),
      { id: otherwise.id ?? 'otherwise', path: `${base}otherwise`, when: null, ...outcome(otherwise.then, `${base}otherwise/then`) },
    ],
  });
  const main = phase(doc.let, '/let', doc.rules, doc.otherwise, '/');
  const each = doc.each
    ? { ...phase(doc.each.let, '/each/let', doc.each.rules, doc.each.otherwise, '/each/'), over: expr(doc.each.over, '/each/over'), overPath: '/each/over', into: doc.each.into ?? 'items' }
    : null;
  const totals = derived(doc.totals, '/totals');
  return { main, each, totals, sites };
}

/**
 * A policy's closures, held until let go and then built again from the document when next
 * needed. Without their sites: only generating the phases needs those, once (build()).
 */
export class ClosureTree {
  private held: Closures | null;

  constructor(private readonly doc: PolicyDocument, private readonly scope: CompileScope, built: Closures) {
    this.held = { main: built.main, each: built.each, totals: built.totals };
  }

  get(): Closures {
    if (this.held === null) {
      const { main, each, totals } = this.build();
      this.held = { main, each, totals };
    }
    return this.held;
  }

  /** The closures built anew, with their sites. */
  build(): BuiltClosures {
    const problems: Problem[] = [];
    const built = buildClosures(this.doc, this.scope, problems);
    // The document compiled once with this scope; it cannot fail now.
    if (problems.length) throw new Error(`the closures of a compiled policy did not build again: ${problems[0]!.message}`);
    return built;
  }

  /** Lets the closures go (the policy's phases are generated; only a traced evaluation needs them). */
  release(): void {
    this.held = null;
  }

  /** Whether the closures are built now (for tests). */
  get holding(): boolean {
    return this.held !== null;
  }
}

/** A phase of a policy whose closures a ClosureTree holds: main (each = false) or the per-item phase. */
export class LazyPhase implements CompiledPhase {
  constructor(readonly tree: ClosureTree, private readonly item: boolean) {}

  private phase(): CompiledPhase {
    const closures = this.tree.get();
    return this.item ? closures.each! : closures.main;
  }

  get lets(): CompiledDerived[] {
    return this.phase().lets;
  }

  get rules(): CompiledRule[] {
    return this.phase().rules;
  }
}

export class LazyEach extends LazyPhase implements CompiledEach {
  constructor(tree: ClosureTree, readonly overPath: string, readonly into: string) {
    super(tree, true);
  }

  get over(): Compiled {
    return this.tree.get().each!.over;
  }
}

/** One of the totals of a policy whose closures a ClosureTree holds. */
export class LazyDerived implements CompiledDerived {
  constructor(private readonly tree: ClosureTree, private readonly index: number, readonly name: string, readonly path: string) {}

  get fn(): Compiled {
    return this.tree.get().totals[this.index]!.fn;
  }
}

/** The closures of a compiled policy: built (again) when its phases are handles to a ClosureTree, else the phases themselves. */
export function closuresOf(policy: Pick<Closures, 'main' | 'each' | 'totals'>): Pick<Closures, 'main' | 'each' | 'totals'> {
  return policy.main instanceof LazyPhase ? policy.main.tree.get() : policy;
}
