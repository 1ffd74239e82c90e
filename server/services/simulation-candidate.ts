/**
 * What a simulation compares: the policy (its activations), the candidate compiled — a
 * published version from the per-process cache, the saved draft, or an unsaved document
 * compiled on the fly — and a fixed baseline version when one is named. Shared by simulate
 * and replay, so "the draft" and "version n" mean the same thing in both.
 *
 * Another tenant's policy is looked up under the caller's tenant, so it is simply missing: 404.
 *
 * @example
 *   const { entry, candidate } = await resolveCandidate(deps, 'solum', 'returns', { candidate: { version: 2 } });
 *   candidate.side;      // { version: 2 }
 */
import { compile } from '../engine/index.ts';
import { checkShape } from '../engine/safety.ts';
import type { CompiledPolicy, SchemaRegistry } from '../engine/index.ts';
import { ServiceError, prefixPaths } from '../errors.ts';
import { documentRef } from '../sandbox/pool.ts';
import type { Sandbox } from '../sandbox/pool.ts';
import type { Client } from '../store/client.ts';
import { getDraft } from '../store/drafts.ts';
import { listVersions } from '../store/policies.ts';
import type { SimulationSide } from '../types/schemas.gen.ts';
import type { PolicyCache, PolicyEntry } from './policy-cache.ts';

export interface CandidateDeps {
  db: Client;
  cache: PolicyCache;
  registry: SchemaRegistry;
  /**
   * Where a draft or an unsaved document is evaluated (simulate, replay against the draft): the
   * API always passes the sandbox; without one, on this thread (tests of the verbs, the CLI).
   */
  sandbox?: Sandbox;
}

export type CandidateSpec = { draft: true } | { version: number } | { document: object };

export interface Resolved {
  side: SimulationSide;
  /**
   * The candidate compiled on this thread; null for a draft or an unsaved document checked in
   * the sandbox (compiling one at the bounds takes the better part of a second): then only
   * `document` is used, and it is compiled and evaluated in a worker.
   */
  compiled: CompiledPolicy | null;
  document: object;
}

const POLICY_KEY = /^[a-z][a-z0-9-]{0,62}$/;

/** The tenant's policy, or 404 (a foreign policy answers the same). */
export async function policyEntry(cache: PolicyCache, tenant: string, policy: string): Promise<PolicyEntry> {
  const entry = POLICY_KEY.test(policy) ? await cache.policy(tenant, policy) : null;
  if (!entry) throw new ServiceError('not_found', `policy "${policy}" not found`);
  return entry;
}

/** A published version, compiled (cached per process); 422 with the body path when it does not exist. */
export async function publishedVersion(deps: CandidateDeps, tenant: string, policy: string, version: number, path: string): Promise<CompiledPolicy> {
  // Asked first, not left to the cache: it keeps a missing version's "no such version" as if
  // versions could not appear later, so asking it for version 3 before 3 is published would
  // leave this process unable to decide with 3.
  const exists = (await listVersions(deps.db, tenant, policy)).some((v) => v.version === version);
  // The policy exists (its URL answered); what the body names does not: 422, as for activations.
  if (!exists) throw new ServiceError('unprocessable', `policy "${policy}" has no version ${version}`, [{ path, message: `no version ${version}` }]);
  const result = await deps.cache.compiled(tenant, policy, version);
  // A stored version compiled when it was published; one that does not now is our fault.
  if (!result.ok) throw new Error(`${tenant}/${policy}@${version} does not compile: ${JSON.stringify(result.problems.slice(0, 3))}`);
  return result.policy;
}

/** The draft, compiled (in the sandbox when there is one); 422 without a draft, or with the draft's paths when it does not compile. */
export async function draftCandidate(deps: CandidateDeps, tenant: string, policy: string, path: string): Promise<Resolved> {
  const draft = await getDraft(deps.db, tenant, policy);
  if (!draft) throw new ServiceError('unprocessable', `policy "${policy}" has no draft`, [{ path, message: 'there is no draft to use' }]);
  const checked = await checkCandidate(deps, policy, draft.document as object, path);
  if (!checked.ok) {
    throw new ServiceError('unprocessable', `the draft of policy "${policy}" does not compile (paths are in the draft document): fix it first`, checked.problems);
  }
  return { side: { draft: true, etag: draft.etag }, compiled: checked.compiled, document: draft.document as object };
}

/** An unsaved document, compiled (in the sandbox when there is one); 400 with paths under `path` when it does not. */
export async function documentCandidate(deps: CandidateDeps, policy: string, document: object, path: string): Promise<Resolved> {
  const key = (document as { key?: unknown }).key;
  if (key !== undefined && key !== policy) {
    throw new ServiceError('invalid_body', `the document is policy "${String(key)}", not "${policy}"`, [{ path: `${path}/key`, message: `must be "${policy}"` }]);
  }
  const checked = await checkCandidate(deps, policy, document, path);
  if (!checked.ok) throw new ServiceError('invalid_body', 'the candidate document does not compile', prefixPaths(path, checked.problems));
  return { side: { document: true }, compiled: checked.compiled, document };
}

/** compile's problems, or the compiled document (null when it was compiled in the sandbox, which keeps it). */
async function checkCandidate(deps: CandidateDeps, policy: string, document: object, path: string): Promise<{ ok: true; compiled: CompiledPolicy | null } | { ok: false; problems: Array<{ path: string; message: string }> }> {
  if (deps.sandbox) {
    // The size and depth bounds first, here (iterative and cheap): a 10,000-deep document could
    // not even be written as text for the worker (JSON.stringify overflows the stack).
    const shape = checkShape(document);
    if (shape.length) return { ok: false, problems: shape.map(({ path, message }) => ({ path, message })) };
    const { problems } = await deps.sandbox.run({ kind: 'check', policyKey: policy, document: documentRef(document), analyze: false, checkKey: false }, path);
    return problems.length ? { ok: false, problems } : { ok: true, compiled: null };
  }
  const result = compile(document, { registry: deps.registry });
  return result.ok ? { ok: true, compiled: result.policy } : { ok: false, problems: result.problems.map((p) => ({ path: p.path, message: p.message })) };
}

/** Resolves a simulation body's policy, candidate and (optional) fixed baseline version. */
export async function resolveCandidate(
  deps: CandidateDeps,
  tenant: string,
  policy: string,
  body: { candidate: CandidateSpec; baseline?: object },
): Promise<{ entry: PolicyEntry; candidate: Resolved; fixedBaseline: { version: number; compiled: CompiledPolicy } | null }> {
  const entry = await policyEntry(deps.cache, tenant, policy);
  const spec = body.candidate;
  let candidate: Resolved;
  if ('version' in spec) {
    const compiled = await publishedVersion(deps, tenant, policy, spec.version, '/candidate/version');
    candidate = { side: { version: spec.version }, compiled, document: compiled.document };
  } else if ('draft' in spec) candidate = await draftCandidate(deps, tenant, policy, '/candidate/draft');
  else candidate = await documentCandidate(deps, policy, spec.document, '/candidate/document');
  const baseline = body.baseline as { version?: number } | undefined;
  const fixedBaseline =
    baseline?.version === undefined ? null : { version: baseline.version, compiled: await publishedVersion(deps, tenant, policy, baseline.version, '/baseline/version') };
  return { entry, candidate, fixedBaseline };
}
