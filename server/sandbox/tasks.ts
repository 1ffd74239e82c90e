/**
 * What the sandbox's worker threads do (pool.ts sends the tasks, worker.ts runs them): every
 * evaluation of tenant code that is not a published, already-compiled active version. The
 * engine runs here unchanged (server/engine is pure); a document travels as its JSON text and
 * is compiled in the worker (cached by content hash), so nothing compiled crosses threads.
 *
 *   check     compile + the static analysis: problems and warnings (draft reads and saves)
 *   tests     compile + the document's embedded tests (draft test runs, publish)
 *   compare   simulation cases, each with the baseline the service chose, vs the candidate (simulate)
 *   evaluate  one input at one instant (replay of a logged decision against the draft)
 *
 * `unsafe` (evaluate only) lowers or lifts the static limits and the evaluation budget. Nothing
 * in the service sets it: it exists so the tests can prove that the worker's own time and
 * memory limits stop work the static checks would have refused.
 *
 * @example
 *   runTask({ kind: 'evaluate', document: { hash, text }, input, at: '2024-01-20T15:00:00Z' }, compiled);
 */
import { compile, evaluate } from '../engine/index.ts';
import type { CaseResult, CompiledPolicy, CompileResult, EvaluateResult, SchemaRegistry } from '../engine/index.ts';
import type { Limits } from '../engine/safety.ts';
import type { Budget } from '../engine/types.ts';
import { analyzeDocument, checkCompiled, runTests } from '../services/policy-document.ts';
import type { TestReport } from '../services/policy-document.ts';
import { comparePlanned } from '../services/simulation-compare.ts';
import type { BaselinePlan } from '../services/simulation-compare.ts';
import type { AnalysisWarning, PathProblem } from '../types/schemas.gen.ts';

/** A document as sent to a worker: its JSON text and a hash of it (the worker's cache key). */
export interface DocumentRef {
  hash: string;
  text: string;
}

export interface SandboxCase {
  id: string;
  input: unknown;
  at: string;
  /** The baseline the service chose for the case (simulation-compare.ts baselineChooser). */
  plan: BaselinePlan;
}

export type SandboxTask =
  | { kind: 'tests'; policyKey: string; document: DocumentRef }
  | { kind: 'check'; policyKey: string; document: DocumentRef; /** Also the static analysis (default true). */ analyze?: boolean; /** Also that the key is the policy's (default true). */ checkKey?: boolean }
  | {
    kind: 'compare'; candidate: DocumentRef; baselines: Record<number, DocumentRef>; cases: SandboxCase[];
    /** Answer an unchanged case that both sides decided with its rule alone (all a summary needs), not its two decisions. */
    summaryOnly?: boolean;
  }
  | { kind: 'evaluate'; document: DocumentRef; input: unknown; at: string; trace?: boolean; unsafe?: UnsafeOptions };

/** Test-only: what the static checks and the engine's budget allow, lowered or lifted. */
export interface UnsafeOptions {
  limits?: Partial<Limits>;
  budget?: Partial<Budget>;
}

/** Work per compare task before it answers with the cases done so far. */
const COMPARE_SLICE_MS = 50;

export type TestsOutcome = { ok: true; report: TestReport } | { ok: false; problems: PathProblem[] };

export interface TaskResults {
  tests: TestsOutcome;
  /** checkDocument's problems (empty when it compiles) and, when it compiles, the static analysis's warnings. */
  check: { problems: PathProblem[]; warnings: AnalysisWarning[] };
  /**
   * The results of the first `results.length` cases; the caller sends the rest again. With
   * `summaryOnly`, an unchanged case both sides decided is its rule (a string): copying its two
   * decisions back was most of what a simulation's cases cost the main thread.
   */
  compare: { results: Array<CaseResult | string> };
  evaluate: EvaluateResult;
}

/**
 * Compiled documents of one worker, by content hash (and limits, for the unsafe test path),
 * least recently used first out. Bounded by count and by the size of their JSON text: a
 * compiled document takes tens of times its text in heap, and the worker's heap is the
 * sandbox's memory budget (a 1 MB document must not push the next task past it).
 */
export class CompiledDocuments {
  private readonly entries = new Map<string, { result: CompileResult; document: unknown; size: number }>();
  private size = 0;
  constructor(private readonly registry: SchemaRegistry, private readonly max = 32, private readonly maxTextBytes = 2_000_000) {}

  get(ref: DocumentRef, limits?: Partial<Limits>): CompileResult {
    return this.entry(ref, limits).result;
  }

  /** The compiled document and the document itself (as parsed from its text). */
  entry(ref: DocumentRef, limits?: Partial<Limits>): { result: CompileResult; document: unknown } {
    const key = limits ? `${ref.hash}:${JSON.stringify(limits)}` : ref.hash;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last, so the oldest is first to go.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const document: unknown = JSON.parse(ref.text);
    const result = compile(document, { registry: this.registry, sourceText: ref.text, ...(limits ? { limits } : {}) });
    const made = { result, document, size: ref.text.length };
    this.entries.set(key, made);
    this.size += ref.text.length;
    while (this.entries.size > 1 && (this.entries.size > this.max || this.size > this.maxTextBytes)) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.size -= entry.size;
    }
    return made;
  }

  /** A document the main thread compiled before sending it; failing here is a bug, not the tenant's. */
  compiled(ref: DocumentRef): CompiledPolicy {
    const result = this.get(ref);
    if (!result.ok) throw new Error(`a document sent to the sandbox does not compile: ${JSON.stringify(result.problems.slice(0, 3))}`);
    return result.policy;
  }
}

export function runTask(task: SandboxTask, documents: CompiledDocuments, registry: SchemaRegistry): TaskResults[SandboxTask['kind']] {
  switch (task.kind) {
    case 'tests': {
      // Compiled once per document (cached by hash): a draft's tests are run again and again
      // as it is edited, and its check (below) compiled it already.
      const { result, document } = documents.entry(task.document);
      const checked = checkCompiled(result, task.policyKey, document);
      return checked.ok ? { ok: true, report: runTests(checked.policy) } : { ok: false, problems: checked.problems };
    }
    case 'check': {
      const { result, document } = documents.entry(task.document);
      const checked = task.checkKey === false ? (result.ok ? { ok: true as const } : { ok: false as const, problems: result.problems.map(({ path, message }) => ({ path, message })) }) : checkCompiled(result, task.policyKey, document);
      if (!checked.ok) return { problems: checked.problems, warnings: [] };
      return { problems: [], warnings: task.analyze === false ? [] : analyzeDocument(registry, document) };
    }
    case 'compare': {
      const candidate = documents.compiled(task.candidate);
      const results: Array<CaseResult | string> = [];
      // Slices of about COMPARE_SLICE_MS, so one task stays far below the sandbox's time budget
      // however many cases it was given; the caller sends the rest again.
      const started = performance.now();
      for (const c of task.cases) {
        const ref = c.plan.version === null ? null : task.baselines[c.plan.version];
        if (ref === undefined) throw new Error(`no baseline document for version ${c.plan.version}`);
        const result = comparePlanned(ref === null ? null : documents.compiled(ref), candidate, c, c.plan);
        results.push(task.summaryOnly && !result.changed && result.before.ok && result.after.ok ? result.ruleBefore : result);
        if (performance.now() - started > COMPARE_SLICE_MS) break;
      }
      return { results };
    }
    case 'evaluate': {
      const compiled = documents.get(task.document, task.unsafe?.limits);
      if (!compiled.ok) throw new Error(`a document sent to the sandbox does not compile: ${JSON.stringify(compiled.problems.slice(0, 3))}`);
      return evaluate(compiled.policy, task.input, task.at, { ...(task.trace ? { trace: true } : {}), ...(task.unsafe?.budget ? { budget: task.unsafe.budget } : {}) });
    }
  }
}

