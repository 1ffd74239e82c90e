/**
 * One policy's side of a simulation, case by case: the baseline version for the case (fixed,
 * the logged one, or "active": the version active at the case's `at`, or at its order's
 * placedAt when that version pins to it, exactly as decide chooses) compared with the
 * candidate by the engine's compareCase. Shared by the policy simulation (simulate.ts) and the
 * tenant-wide what-if (simulate-tenant.ts), so both compare alike; compiled baselines are
 * kept per run.
 *
 * @example
 *   const compare = caseComparer(deps.cache, 'soom', 'returns', entry.activations, candidate);
 *   const { result, baselineVersion, baselineAsOf } = await compare(c, 'active');
 */
import { activeVersionAt, chooseFrom, compareCase, diff, evaluate, pinToOf } from '../engine/index.ts';
import type { Activation, CaseResult, CompiledPolicy, EvaluationError, SimulationCase } from '../engine/index.ts';
import { documentRef } from '../sandbox/document-ref.ts';
import type { Sandbox } from '../sandbox/pool.ts';
import type { DocumentRef } from '../sandbox/tasks.ts';
import type { PolicyCache } from './policy-cache.ts';

export interface Compared {
  result: CaseResult;
  /** The version the baseline used (null when none could decide). */
  baselineVersion: number | null;
  /** With the active baseline: the instant its version was chosen as of. */
  baselineAsOf?: string;
}

/** A simulation's candidate: compiled on this thread, or (compiled null) only its document, for the sandbox. */
export interface Candidate {
  compiled: CompiledPolicy | null;
  document: object;
}

/** What decides a case's baseline: a version (and the instant it was chosen as of), or why none can. */
export type BaselinePlan =
  | { version: number; asOf?: string }
  | { version: null; error: EvaluationError; rule: string };

/**
 * The baseline of each case of one policy, chosen as decide chooses, and the compiled versions
 * it uses (kept per run). The choice is the service's; the evaluations may run elsewhere (the
 * sandbox: server/sandbox/simulation.ts).
 */
export function baselineChooser(cache: PolicyCache, tenant: string, policy: string, activations: readonly Activation[]) {
  const compiled = new Map<number, CompiledPolicy>();
  const baselineOf = async (version: number): Promise<CompiledPolicy> => {
    let p = compiled.get(version);
    if (!p) {
      const result = await cache.compiled(tenant, policy, version);
      // Published versions compiled when they were published; one that does not is our fault.
      if (!result.ok) throw new Error(`${tenant}/${policy}@${version} does not compile`);
      p = result.policy;
      compiled.set(version, p);
    }
    return p;
  };
  const choose = async (c: SimulationCase, version: number | 'active'): Promise<BaselinePlan> => {
    if (version !== 'active') return { version };
    // As decide chooses: the version active at `at` governs, its pinTo may hand the case to the
    // version active when the order was placed (engine/effective-date.ts).
    const governing = activeVersionAt(activations, c.at);
    const choice = governing === null ? null : chooseFrom(activations, governing, pinToOf(await baselineOf(governing)), c.at, c.input);
    if (choice?.ok) return { version: choice.version, asOf: choice.versionAsOf };
    const error: EvaluationError = choice && choice.kind === 'invalid_input'
      ? { kind: 'input', problems: [choice.problem] }
      : { kind: 'runtime', path: '', message: `no version of the policy is active at ${choice?.asOf ?? c.at}`, budgetExceeded: false };
    return { version: null, error, rule: error.kind === 'input' ? 'error:input' : 'error:no-active-version' };
  };
  return { choose, baselineOf };
}

/** One case compared by this thread's engine, as planned. */
export function comparePlanned(baseline: CompiledPolicy | null, candidate: CompiledPolicy | null, c: SimulationCase, plan: BaselinePlan): CaseResult {
  if (plan.version === null) return candidate ? withoutBaseline(candidate, c, plan.error, plan.rule) : failedBoth(c, plan.error, plan.rule);
  return candidate ? compareCase(baseline!, candidate, c) : unchanged(baseline!, c);
}

/**
 * A comparer for one policy. `candidate` null means "no change": the baseline decides both
 * sides (evaluated once), so a policy evaluated only for the combined view never differs.
 */
export function caseComparer(
  cache: PolicyCache, tenant: string, policy: string, activations: readonly Activation[], candidate: Candidate | null,
  /** Where the candidate is evaluated, case by case (`subject` names it in a budget problem): the tenant-wide what-if passes the sandbox; without one, on this thread. */
  sandbox?: { sandbox: Sandbox; subject: string },
) {
  const { choose, baselineOf } = baselineChooser(cache, tenant, policy, activations);
  const candidateRef = sandbox && candidate ? documentRef(candidate.document) : null;
  const compiled = candidate === null ? null : candidate.compiled;
  if (candidate !== null && !sandbox && compiled === null) throw new Error('a candidate checked in the sandbox must be compared there');
  const refs = new Map<number, DocumentRef>();
  const evaluate = async (c: SimulationCase, plan: BaselinePlan): Promise<CaseResult> => {
    const baseline = plan.version === null ? null : await baselineOf(plan.version);
    if (!sandbox || !candidateRef) return comparePlanned(baseline, compiled, c, plan);
    const baselines: Record<number, DocumentRef> = {};
    if (plan.version !== null) {
      if (!refs.has(plan.version)) refs.set(plan.version, documentRef(baseline!.document));
      baselines[plan.version] = refs.get(plan.version)!;
    }
    const { results } = await sandbox.sandbox.run({ kind: 'compare', candidate: candidateRef, baselines, cases: [{ id: c.id, input: c.input, at: c.at, plan }] }, sandbox.subject);
    const result = results[0]!;
    if (typeof result === 'string') throw new Error('a compare task without summaryOnly answered a case with its rule alone');
    return result;
  };
  return async (c: SimulationCase, version: number | 'active'): Promise<Compared> => {
    const plan = await choose(c, version);
    const result = await evaluate(c, plan);
    return { result, baselineVersion: plan.version, ...(plan.version !== null && plan.asOf !== undefined ? { baselineAsOf: plan.asOf } : {}) };
  };
}

/** The baseline alone, on both sides. */
function unchanged(baseline: CompiledPolicy, c: SimulationCase): CaseResult {
  const r = evaluate(baseline, c.input, c.at);
  const outcome = r.ok ? { ok: true as const, decision: r.decision } : { ok: false as const, error: r.error };
  const rule = r.ok ? String(r.decision.rule) : `error:${r.error.kind}`;
  return { id: c.id, at: c.at, changed: false, before: outcome, after: outcome, ruleBefore: rule, ruleAfter: rule, changes: [] };
}

function failedBoth(c: SimulationCase, error: EvaluationError, rule: string): CaseResult {
  const outcome = { ok: false as const, error };
  return { id: c.id, at: c.at, changed: false, before: outcome, after: outcome, ruleBefore: rule, ruleAfter: rule, changes: [] };
}

/**
 * A case the baseline cannot decide: no version covers its instant, or (pinTo "order.placedAt")
 * the order has no valid placedAt. Only the candidate decides.
 */
export function withoutBaseline(candidate: CompiledPolicy, c: SimulationCase, error: EvaluationError, rule: string): CaseResult {
  const before = { ok: false as const, error };
  const evaluated = evaluate(candidate, c.input, c.at);
  const after = evaluated.ok ? { ok: true as const, decision: evaluated.decision } : { ok: false as const, error: evaluated.error };
  const changes = diff({ error: before.error }, after.ok ? after.decision : { error: after.error }, '');
  return { id: c.id, at: c.at, changed: changes.length > 0, before, after, ruleBefore: rule, ruleAfter: after.ok ? String(after.decision.rule) : `error:${after.error.kind}`, changes };
}
