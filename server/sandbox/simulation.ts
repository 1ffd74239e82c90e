/**
 * A simulation's evaluations in the sandbox (pool.ts): the service reads the cases and chooses
 * each case's baseline version on this thread (baselineChooser, as decide chooses); the
 * candidate and the baseline versions travel to a worker as JSON text, the cases in batches,
 * and the worker answers with the results of as many as it did in a slice (~50 ms), in order:
 * an unchanged case both sides decided by its rule alone (summaryOnly), the others whole. Two
 * batches are in flight, so the workers evaluate while this thread writes lines. So a candidate nobody has published runs under the sandbox's time and memory budget, and the
 * main thread only reads, chooses and writes lines.
 *
 * @example
 *   for await (const r of compareInSandbox(sandbox, chooser, candidateDocument, cases, versionFor)) ...
 */
import type { CaseResult, CaseTally, Activation } from '../engine/index.ts';
import type { PolicyCache } from '../services/policy-cache.ts';
import { baselineChooser } from '../services/simulation-compare.ts';
import type { IndexedCase } from '../services/simulation-cases.ts';
import { documentRef } from './pool.ts';
import type { Sandbox } from './pool.ts';
import type { DocumentRef, SandboxCase } from './tasks.ts';

/** Cases read ahead and sent to a worker together (it answers a slice of them at a time). */
const BATCH = 200;
/** Batches sent before the first of them is read back (the sandbox has SANDBOX_WORKERS workers, 2 by default). */
const IN_FLIGHT = 2;

export interface SandboxedResult {
  case: IndexedCase;
  baselineVersion: number | null;
  baselineAsOf?: string;
  /** The whole result of a case that changed or failed on either side; of any other, only what the summary counts. */
  result: CaseResult | UnchangedTally;
}

/** An unchanged case both sides decided, as the worker answers it (by its rule): no decisions, no id. */
export interface UnchangedTally extends CaseTally {
  changed: false;
  before: { ok: true };
  after: { ok: true };
}

/** Whether a result is a whole CaseResult (every changed or failed case is). */
export function isCaseResult(result: CaseResult | UnchangedTally): result is CaseResult {
  return 'id' in result;
}

const decided = Object.freeze({ ok: true as const });
const noChanges: readonly never[] = Object.freeze([]);

export interface SandboxRun {
  sandbox: Sandbox;
  cache: PolicyCache;
  tenant: string;
  policy: string;
  activations: readonly Activation[];
  /** The candidate document (compiled in the worker). */
  candidate: object;
  cases: AsyncIterable<IndexedCase>;
  versionFor: (c: IndexedCase) => number | 'active';
  signal?: AbortSignal;
}

/** Every case compared in the sandbox, in order; stops (returns) when the signal aborts. */
export async function* compareInSandbox(run: SandboxRun): AsyncGenerator<SandboxedResult> {
  const { choose, baselineOf } = baselineChooser(run.cache, run.tenant, run.policy, run.activations);
  // One tally per rule: every unchanged case decided by it counts alike.
  const tallies = new Map<string, UnchangedTally>();
  const tallyOf = (rule: string): UnchangedTally => {
    let t = tallies.get(rule);
    if (!t) tallies.set(rule, (t = { changed: false, before: decided, after: decided, ruleBefore: rule, ruleAfter: rule, changes: noChanges }));
    return t;
  };
  const candidate = documentRef(run.candidate);
  const documents = new Map<number, DocumentRef>();
  const refOf = async (version: number): Promise<DocumentRef> => {
    let ref = documents.get(version);
    if (!ref) {
      ref = documentRef((await baselineOf(version)).document);
      documents.set(version, ref);
    }
    return ref;
  };

  type Item = { case: IndexedCase; task: SandboxCase };
  /** A batch's results, in order: fewer than its cases only when the run was aborted. */
  const evaluate = async (items: Item[]): Promise<Array<CaseResult | string>> => {
    const out: Array<CaseResult | string> = [];
    let rest = items;
    while (rest.length) {
      if (run.signal?.aborted) break;
      const baselines: Record<number, DocumentRef> = {};
      for (const { task } of rest) if (task.plan.version !== null) baselines[task.plan.version] ??= await refOf(task.plan.version);
      const { results } = await run.sandbox.run({ kind: 'compare', candidate, baselines, cases: rest.map((r) => r.task), summaryOnly: true }, '/candidate');
      for (const r of results) out.push(r);
      rest = rest.slice(results.length);
    }
    return out;
  };
  // Batches in flight: while a worker evaluates one, this thread reads and plans the next and
  // writes the lines of the one before (sequentially, the two threads took turns).
  const pending: Array<{ items: Item[]; results: Promise<Array<CaseResult | string>> }> = [];
  const send = (items: Item[]): void => {
    const results = evaluate(items);
    // Awaited in order below; a batch left behind by a consumer that stopped must not be an unhandled rejection.
    results.catch(() => {});
    pending.push({ items, results });
  };
  const emit = async function* (): AsyncGenerator<SandboxedResult> {
    const { items, results } = pending.shift()!;
    const answered = await results;
    for (let i = 0; i < answered.length; i++) {
      const { case: c, task } = items[i]!;
      const asOf = task.plan.version !== null ? task.plan.asOf : undefined;
      const result = answered[i]!;
      yield { case: c, baselineVersion: task.plan.version, ...(asOf === undefined ? {} : { baselineAsOf: asOf }), result: typeof result === 'string' ? tallyOf(result) : result };
    }
  };

  let batch: Item[] = [];
  for await (const c of run.cases) {
    if (run.signal?.aborted) return;
    const plan = await choose(c, run.versionFor(c));
    batch.push({ case: c, task: { id: c.id, input: c.input, at: c.at, plan } });
    if (batch.length >= BATCH) {
      send(batch);
      batch = [];
      if (pending.length >= IN_FLIGHT) yield* emit();
    }
  }
  if (batch.length) send(batch);
  while (pending.length) {
    if (run.signal?.aborted) return;
    yield* emit();
  }
}
