/**
 * The decision answer of DESIGN.md's fixed entry points, shared by the API and the CLI:
 * {id, tenant, policy, version, at, decision, trace?}.
 */
import { ulid } from 'ulid';
import type { Decision, Trace } from '../engine/index.ts';

export interface DecisionAnswer {
  id: string;
  tenant: string;
  policy: string;
  version: number;
  at: string;
  decision: Decision;
  trace?: Trace;
}

export function buildAnswer(parts: Omit<DecisionAnswer, 'id'>, id = ulid()): DecisionAnswer {
  const { trace, ...rest } = parts;
  return trace ? { id, ...rest, trace } : { id, ...rest };
}
