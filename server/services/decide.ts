/**
 * The decide verbs: resolve the deciding version from the cache (no query: the version active
 * at `at`, or at the order's placedAt when that version pins to it), evaluate,
 * log, answer. A decision is answered only after the log writer has committed it. Bad input
 * never reaches a rule and is not a decision, so it is not logged; a run-time fault of the
 * policy is logged (with its error) and answered 422 with the decision id.
 *
 * @example
 *   const decider = createDecider({ cache, log, now: () => new Date() });
 *   const answer = await decider.decide({ actor, policy: 'returns', request: { input, at: '2024-01-20T15:00:00Z' } });
 */
import { evaluate, explain, normalizeInstant } from '../engine/index.ts';
import type { Budget } from '../engine/types.ts';
import { buildAnswer } from '../decisions/answer.ts';
import { newId } from '../decisions/ids.ts';
import type { DecisionAnswer } from '../decisions/answer.ts';
import type { DecisionLogWriter } from '../decisions/log-writer.ts';
import { LogClosedError } from '../decisions/log-writer.ts';
import { ServiceError, prefixPaths, toProblem } from '../errors.ts';
import type { Problem } from '../errors.ts';
import { iso } from '../store/rows.ts';
import type { PolicyCache } from './policy-cache.ts';
import { assertCan } from './roles.ts';
import { chooseDecidingVersion } from './version-choice.ts';
import type { Actor } from './roles.ts';

/** The body of POST /v1/policies/{policy}/decide (schemas/api/decide-request.schema.json). */
export interface DecideRequest {
  input: unknown;
  at?: string;
  trace?: boolean;
  /** Also answer the reasons in plain language (engine/explain.ts), in `language` when the policy has it. */
  explain?: boolean;
  language?: string;
}

export type DecisionOutcome = 'decided' | 'invalid_input' | 'failed';

export interface DeciderDeps {
  cache: PolicyCache;
  log: DecisionLogWriter;
  now?: () => Date;
  /** For metrics: called once per request that reached a policy. */
  onDecision?: (tenant: string, policy: string, outcome: DecisionOutcome) => void;
  /** The work budget of each evaluation (EVAL_MAX_STEPS, EVAL_MAX_COLLECTION); the engine's default otherwise. */
  budget?: Partial<Budget>;
}

/**
 * The request's wall-clock limit (api/request-timeout.ts): hold() just before a decision goes to
 * the log, so that a logged decision is always answered; false when the request has already
 * been answered 503, and then nothing is logged.
 */
export interface Deadline {
  hold(): boolean;
}

const POLICY_KEY = /^[a-z][a-z0-9-]{0,62}$/;

export function createDecider(deps: DeciderDeps) {
  const now = deps.now ?? (() => new Date());
  // The same canonical form as an explicit "at" (no ".000" milliseconds).
  const nowInstant = () => normalizeInstant(now().toISOString())!;

  async function decideOne(actor: Actor, policy: string, request: DecideRequest, defaultAt: string, itemPrefix = '', deadline?: Deadline): Promise<DecisionAnswer> {
    const started = performance.now();
    const at = request.at === undefined ? defaultAt : normalizeInstant(request.at);
    if (at === null) throw new ServiceError('invalid_body', '"at" must be an ISO-8601 date-time with a time zone', [{ path: `${itemPrefix}/at`, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2024-01-20T15:00:00Z' }]);
    // Another tenant's policy is looked up under the caller's tenant, so it is simply missing.
    const entry = POLICY_KEY.test(policy) ? await deps.cache.policy(actor.tenant, policy) : null;
    if (!entry) throw new ServiceError('not_found', `policy "${policy}" not found`);
    // The version active at `at` governs; its pinTo may hand the decision to the version
    // active when the order was placed (engine/effective-date.ts).
    const { version, versionAsOf, pinTo, compiled } = await chooseDecidingVersion(deps.cache, actor.tenant, policy, entry.activations, at, request.input, `${itemPrefix}/input`);

    // An explanation is built from the trace: traced only when asked, so plain decides are untouched.
    const explaining = request.explain === true;
    const result = evaluate(compiled, request.input, at, { trace: request.trace === true || explaining, ...(deps.budget ? { budget: deps.budget } : {}) });
    if (!result.ok && result.error.kind === 'input') {
      deps.onDecision?.(actor.tenant, policy, 'invalid_input');
      throw new ServiceError('invalid_input', `the input does not match the input schema of policy "${policy}"`, prefixPaths(`${itemPrefix}/input`, result.error.problems));
    }
    const explanation = explaining && result.ok ? explain(compiled, request.input, result.trace!, result.decision, { language: request.language ?? null, tenantLanguage: await deps.cache.language(actor.tenant) }) : undefined;
    const answer = buildAnswer(
      { tenant: actor.tenant, policy, version, at, versionAsOf, pinTo, decision: result.ok ? result.decision : {}, ...(result.ok && result.trace && request.trace === true ? { trace: result.trace } : {}), ...(explanation ? { explanation } : {}) },
      newId(),
    );
    const error = result.ok ? null : { path: result.error.kind === 'runtime' ? result.error.path : '', message: result.error.kind === 'runtime' ? result.error.message : 'evaluation failed' };
    if (deadline && !deadline.hold()) throw new ServiceError('unavailable', 'the request timed out before its decision was logged', [], { headers: { 'Retry-After': '1' } });
    try {
      await deps.log.append({
        id: answer.id,
        tenant: actor.tenant,
        policy,
        version,
        at,
        versionAsOf,
        pinTo,
        input: request.input,
        decision: result.ok ? result.decision : null,
        trace: answer.trace ?? null,
        rule: result.ok && typeof result.decision.rule === 'string' ? result.decision.rule : null,
        error,
        keyId: actor.keyId,
        createdAt: iso(now()),
        durationMs: performance.now() - started,
      });
    } catch (err) {
      // Not logged means not decided: the client must retry, never act on an unlogged answer.
      if (err instanceof LogClosedError) throw new ServiceError('unavailable', err.message, [], { headers: { 'Retry-After': '1' } });
      throw err;
    }
    deps.onDecision?.(actor.tenant, policy, error ? 'failed' : 'decided');
    if (error) {
      throw new ServiceError('evaluation_failed', `policy "${policy}" version ${version} failed on this input: ${error.message}`, [{ path: error.path, message: error.message }], { members: { id: answer.id, version } });
    }
    return answer;
  }

  return {
    /** One decision; throws a ServiceError for anything that is not one. */
    async decide({ actor, policy, request, deadline }: { actor: Actor; policy: string; request: DecideRequest; deadline?: Deadline }): Promise<DecisionAnswer> {
      assertCan(actor, 'decide');
      return decideOne(actor, policy, request, nowInstant(), '', deadline);
    },

    /**
     * Many decisions of one policy, decided independently (one bad item does not fail the
     * others) and logged together. Each result is an answer or a problem whose paths are
     * relative to its own request (e.g. "/input/order/id"). A server-side failure (the log
     * could not be written) fails the whole batch: no answer is given for unlogged decisions.
     */
    async decideBatch({ actor, policy, requests, requestId, deadline }: { actor: Actor; policy: string; requests: DecideRequest[]; requestId?: string; deadline?: Deadline }): Promise<Array<DecisionAnswer | Problem>> {
      assertCan(actor, 'decide');
      const at = nowInstant();
      return Promise.all(
        requests.map((r) =>
          decideOne(actor, policy, r, at, '', deadline).catch((err: unknown) => {
            if (err instanceof ServiceError && err.status < 500) return toProblem(err, requestId);
            throw err;
          }),
        ),
      );
    },
  };
}

export type Decider = ReturnType<typeof createDecider>;
