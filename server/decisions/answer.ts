/**
 * The decision answer of DESIGN.md's fixed entry points, shared by the API and the CLI:
 * {id, tenant, policy, version, at, decision, trace?}, plus which instant chose the version:
 * `versionAsOf` (the decision's `at`, or the order's placedAt) and the `pinTo` that said so.
 */
import { ulid } from 'ulid';
import type { Decision, Explanation, PinTo, Trace } from '../engine/index.ts';

export interface DecisionAnswer {
  id: string;
  tenant: string;
  policy: string;
  version: number;
  at: string;
  /** The instant the version was chosen as of (engine/effective-date.ts). */
  versionAsOf: string;
  pinTo: PinTo;
  decision: Decision;
  trace?: Trace;
  /** Only when asked (explain: true): the reasons in plain language (engine/explain.ts). */
  explanation?: Explanation;
}

export function buildAnswer(parts: Omit<DecisionAnswer, 'id'>, id = ulid()): DecisionAnswer {
  const { trace, explanation, ...rest } = parts;
  const answer: DecisionAnswer = trace ? { id, ...rest, trace } : { id, ...rest };
  if (explanation) answer.explanation = explanation;
  return answer;
}
