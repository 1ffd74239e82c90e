/**
 * A simulation's evaluations in the sandbox (pool.ts): the service reads the cases and chooses
 * each case's baseline version on this thread (baselineChooser, as decide chooses); the
 * candidate and the baseline versions travel to a worker as JSON text, the cases in batches,
 * and the worker answers with the results of as many as it did in a slice (~50 ms), in order.
 * So a candidate nobody has published runs under the sandbox's time and memory budget, and the
 * main thread only reads, chooses and writes lines.
 *
 * @example
 *   for await (const r of compareInSandbox(sandbox, chooser, candidateDocument, cases, versionFor)) ...
 */
import type { CaseResult, Activation } from '../engine/index.ts';
import type { PolicyCache } from '../services/policy-cache.ts';
import { baselineChooser } from '../services/simulation-compare.ts';
import type { IndexedCase } from '../services/simulation-cases.ts';
import { documentRef } from './pool.ts';
import type { Sandbox } from './pool.ts';
import type { DocumentRef, SandboxCase } from './tasks.ts';

/** Cases read ahead and sent to a worker together (it answers a slice of them at a time). */
const BATCH = 200;

export interface SandboxedResult {
  case: IndexedCase;
  baselineVersion: number | null;
  baselineAsOf?: string;
  result: CaseResult;
}

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

  let batch: Array<{ case: IndexedCase; task: SandboxCase }> = [];
  const flush = async function* (): AsyncGenerator<SandboxedResult> {
    let rest = batch;
    batch = [];
    while (rest.length) {
      if (run.signal?.aborted) return;
      const baselines: Record<number, DocumentRef> = {};
      for (const { task } of rest) if (task.plan.version !== null) baselines[task.plan.version] ??= await refOf(task.plan.version);
      const { results } = await run.sandbox.run({ kind: 'compare', candidate, baselines, cases: rest.map((r) => r.task) }, '/candidate');
      for (let i = 0; i < results.length; i++) {
        const { case: c, task } = rest[i]!;
        const asOf = task.plan.version !== null ? task.plan.asOf : undefined;
        yield { case: c, baselineVersion: task.plan.version, ...(asOf === undefined ? {} : { baselineAsOf: asOf }), result: results[i]! };
      }
      rest = rest.slice(results.length);
    }
  };

  for await (const c of run.cases) {
    if (run.signal?.aborted) return;
    const plan = await choose(c, run.versionFor(c));
    batch.push({ case: c, task: { id: c.id, input: c.input, at: c.at, plan } });
    if (batch.length >= BATCH) yield* flush();
  }
  yield* flush();
}
