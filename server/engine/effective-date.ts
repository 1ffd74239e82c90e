/**
 * Effective-date semantics: which version of a policy decides a case. A policy document says
 * it with `pinTo`:
 *
 *   "decision"        (the default) the version active at the decision's `at`;
 *   "order.placedAt"  the version active when the order was placed (input.order.placedAt),
 *                     so an order keeps the rules it was bought under.
 *
 * The rule, in one step (no loop): the version active at `at` governs. Its `pinTo` says which
 * instant chooses the deciding version: `at` itself, or the order's placedAt. The version found
 * there decides with its own rules, whatever its own `pinTo` says: the rules in force at `at`
 * are the ones that decide how history applies (staff publishing a version choose it for the
 * decisions made while it is in force), and a single step can never cycle (v3 says "placedAt",
 * the v1 it picks says "decision", v1 would pick v3 again...).
 *
 * An order placed after `at` (clock skew between a checkout and this server, or bad data) is
 * decided with the version active at `at`: a version scheduled for later is not yet in force
 * and must never decide early. A missing or invalid placedAt under "order.placedAt" is a
 * problem of the input at /order/placedAt (400 at /input/order/placedAt over HTTP).
 *
 * @example
 *   const governing = activeVersionAt(activations, at);                 // e.g. 1 on 2024-02-10
 *   const asOf = versionInstant(pinToOf(compiledGoverning), at, input);  // { ok, asOf: '2023-11-20T10:00:00Z' }
 *   const version = activeVersionAt(activations, asOf.asOf);             // 2: the holiday version
 */
import { activeVersionAt } from './activations.ts';
import type { Activation } from './activations.ts';
import { normalizeInstant } from './evaluate.ts';
import type { CompiledPolicy } from './policy.ts';
import type { Problem } from './types.ts';

export type PinTo = 'decision' | 'order.placedAt';

export const PIN_TO_VALUES: readonly PinTo[] = ['decision', 'order.placedAt'];

/** The policy's pinTo, "decision" when the document does not say. */
export function pinToOf(policy: Pick<CompiledPolicy, 'document'>): PinTo {
  return (policy.document as { pinTo?: PinTo }).pinTo ?? 'decision';
}

/** JSON Pointer (in the decision input) of the instant "order.placedAt" pins to. */
export const PLACED_AT_PATH = '/order/placedAt';

/**
 * The instant that chooses the deciding version under `pinTo`, for a decision at `at` (both
 * canonical). Under "order.placedAt": the order's placedAt, or `at` when the order was placed
 * after it; a problem at /order/placedAt when it is missing or not an ISO-8601 instant.
 */
export function versionInstant(pinTo: PinTo, at: string, input: unknown): { ok: true; asOf: string } | { ok: false; problem: Problem } {
  if (pinTo === 'decision') return { ok: true, asOf: at };
  const order = isObject(input) ? input.order : undefined;
  const placedAt = isObject(order) ? order.placedAt : undefined;
  if (placedAt === undefined || placedAt === null) {
    return { ok: false, problem: { path: PLACED_AT_PATH, message: 'is required: this policy decides with the version active when the order was placed (pinTo "order.placedAt")' } };
  }
  const instant = typeof placedAt === 'string' ? normalizeInstant(placedAt) : null;
  if (instant === null) {
    return { ok: false, problem: { path: PLACED_AT_PATH, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2023-11-20T10:00:00Z: it chooses the version that decides (pinTo "order.placedAt")' } };
  }
  return { ok: true, asOf: Date.parse(instant) > Date.parse(at) ? at : instant };
}

export type VersionChoice =
  | { ok: true; version: number; versionAsOf: string; pinTo: PinTo }
  | { ok: false; kind: 'no_active_version'; asOf: string; pinTo: PinTo }
  | { ok: false; kind: 'invalid_input'; problem: Problem; pinTo: PinTo };

/**
 * The whole choice when each version's pinTo can be read synchronously (the CLI's local
 * catalog, the editor): the governing version at `at`, its pinTo, then the deciding version.
 * The server does the same in two cache lookups (services/version-choice.ts).
 */
export function chooseVersion(activations: readonly Activation[], at: string, input: unknown, pinToOfVersion: (version: number) => PinTo): VersionChoice {
  const governing = activeVersionAt(activations, at);
  if (governing === null) return { ok: false, kind: 'no_active_version', asOf: at, pinTo: 'decision' };
  return chooseFrom(activations, governing, pinToOfVersion(governing), at, input);
}

/** The second step: the governing version and its pinTo are known. */
export function chooseFrom(activations: readonly Activation[], governing: number, pinTo: PinTo, at: string, input: unknown): VersionChoice {
  if (pinTo === 'decision') return { ok: true, version: governing, versionAsOf: at, pinTo };
  const instant = versionInstant(pinTo, at, input);
  if (!instant.ok) return { ok: false, kind: 'invalid_input', problem: instant.problem, pinTo };
  const version = instant.asOf === at ? governing : activeVersionAt(activations, instant.asOf);
  if (version === null) return { ok: false, kind: 'no_active_version', asOf: instant.asOf, pinTo };
  return { ok: true, version, versionAsOf: instant.asOf, pinTo };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
