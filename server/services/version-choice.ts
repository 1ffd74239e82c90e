/**
 * The server's side of effective-date semantics (engine/effective-date.ts): the version that
 * decides a case, from the per-process cache. The version active at `at` governs: its pinTo
 * says whether it decides itself ("decision") or the version active at the order's placedAt
 * does ("order.placedAt"). Used by decide (one and batch) and by simulation's active baseline,
 * so both choose exactly alike.
 *
 * @example
 *   const choice = await chooseDecidingVersion(cache, 'solum', 'returns', entry.activations, at, input);
 *   choice.version; choice.versionAsOf; choice.pinTo; choice.compiled;
 */
import { activeVersionAt, chooseFrom, pinToOf } from '../engine/index.ts';
import type { Activation, CompiledPolicy, PinTo } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import type { PolicyCache } from './policy-cache.ts';

export interface DecidingVersion {
  version: number;
  /** The instant the version was chosen as of: `at`, or the order's placedAt. */
  versionAsOf: string;
  pinTo: PinTo;
  compiled: CompiledPolicy;
}

/**
 * The deciding version, compiled. Throws no_active_version (422) when none covers the instant,
 * and invalid_input (400, at `${inputPath}/order/placedAt`) when the policy pins to the order's
 * placedAt and the input has none (or not an instant).
 */
export async function chooseDecidingVersion(
  cache: PolicyCache, tenant: string, policy: string, activations: readonly Activation[], at: string, input: unknown, inputPath = '/input',
): Promise<DecidingVersion> {
  const governing = activeVersionAt(activations, at);
  if (governing === null) throw new ServiceError('no_active_version', `no version of policy "${policy}" is active at ${at}`);
  const governingCompiled = await compiledVersion(cache, tenant, policy, governing);
  const pinTo = pinToOf(governingCompiled);
  if (pinTo === 'decision') return { version: governing, versionAsOf: at, pinTo, compiled: governingCompiled };
  const choice = chooseFrom(activations, governing, pinTo, at, input);
  if (!choice.ok) {
    if (choice.kind === 'invalid_input') {
      throw new ServiceError('invalid_input', `policy "${policy}" decides with the version active when the order was placed: the input needs order.placedAt`, [{ path: `${inputPath}${choice.problem.path}`, message: choice.problem.message }]);
    }
    throw new ServiceError('no_active_version', `no version of policy "${policy}" was active at ${choice.asOf}, when the order was placed (the version active at ${at} pins decisions to order.placedAt)`);
  }
  const compiled = choice.version === governing ? governingCompiled : await compiledVersion(cache, tenant, policy, choice.version);
  return { version: choice.version, versionAsOf: choice.versionAsOf, pinTo, compiled };
}

async function compiledVersion(cache: PolicyCache, tenant: string, policy: string, version: number): Promise<CompiledPolicy> {
  const compiled = await cache.compiled(tenant, policy, version);
  // Versions are checked when they are published; one that does not compile is our fault.
  if (!compiled.ok) throw new Error(`${tenant}/${policy}@${version} does not compile: ${JSON.stringify(compiled.problems.slice(0, 3))}`);
  return compiled.policy;
}
