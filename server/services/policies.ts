/**
 * Policy verbs: list the tenant's policies, get one (the version active at an instant, the
 * draft, the activations and the schedule they make), and create one.
 *
 * A new policy starts as a draft and nothing else: it has no version, so it decides nothing
 * (decide answers 422 no-active-version) until the draft is published and the version is
 * activated (POST .../draft/publish with `activate`, or an activation). Creating the policy
 * row, its first draft, the audit row and a change-feed row is one batch; the change-feed row
 * makes every process forget that it had cached "no such policy".
 *
 * @example
 *   const policies = createPolicies({ db, cache, registry });
 *   const { detail, etag } = await policies.create({ actor, document, reason: 'new warranty policy' });
 *   await policies.get({ actor, policy: 'returns', at: '2024-01-20T15:00:00Z' });   // active: version 2
 */
import { ServiceError, prefixPaths } from '../errors.ts';
import { checkShape } from '../engine/safety.ts';
import { documentRef } from '../sandbox/pool.ts';
import type { Sandbox } from '../sandbox/pool.ts';
import { activeVersionAt } from '../engine/index.ts';
import type { SchemaRegistry } from '../engine/index.ts';
import { auditStmt } from '../store/audit.ts';
import { changeStmt } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { getDraft, insertDraftStmt, listDraftSummaries, newEtag } from '../store/drafts.ts';
import type { DraftSummary as DraftRowSummary } from '../store/drafts.ts';
import { getPolicy, getVersion, insertPolicyStmt, listPolicies, listTenantVersions, listVersions } from '../store/policies.ts';
import type { DraftSummary, PathProblem, PolicyDetail, PolicyList, PolicySummary } from '../types/schemas.gen.ts';
import { listPolicyActivations } from './activations.ts';
import { POLICY_KEY, checkDocument } from './policy-document.ts';
import type { PolicyCache } from './policy-cache.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { resolveTimeline } from './timeline.ts';

export interface PoliciesDeps {
  db: Client;
  registry: SchemaRegistry;
  cache?: PolicyCache;
  /** Where a new policy's document is compiled (the API always passes it); without one, on this thread. */
  sandbox?: Sandbox;
  now?: () => Date;
}

export function createPolicies(deps: PoliciesDeps) {
  const now = () => deps.now?.() ?? new Date();

  /** The policy's activations (the activations verb: the same view as GET .../activations). */
  const activationsOf = (actor: Actor, policy: string) => listPolicyActivations({ db: deps.db, now }, { actor, policy });

  /** Every policy of the tenant: what decides now, the open draft, and what changes ahead. */
  async function list({ actor }: { actor: Actor }): Promise<PolicyList> {
    assertCan(actor, 'read');
    const at = now().toISOString();
    const [policies, versions, drafts] = await Promise.all([
      listPolicies(deps.db, actor.tenant),
      listTenantVersions(deps.db, actor.tenant),
      listDraftSummaries(deps.db, actor.tenant),
    ]);
    const summaries: PolicySummary[] = [];
    for (const p of policies) {
      const activations = await activationsOf(actor, p.key);
      const segments = resolveTimeline(activations);
      const latest = versions.filter((v) => v.policy === p.key).at(-1);
      summaries.push({
        key: p.key,
        title: p.title,
        createdAt: p.createdAt,
        createdBy: p.createdBy,
        activeVersion: activeVersionAt(activations, at),
        latestVersion: latest?.version ?? null,
        draft: draftSummary(drafts.find((d) => d.policy === p.key)),
        upcoming: segments.filter((s) => s.from !== null && Date.parse(s.from) > Date.parse(at)),
      });
    }
    return { at, policies: summaries };
  }

  /** One policy; `at` (default now) picks the active version shown with its document. */
  async function get({ actor, policy, at: atInput }: { actor: Actor; policy: string; at?: string }): Promise<PolicyDetail> {
    assertCan(actor, 'read');
    const at = atInput === undefined ? now().toISOString() : instant(atInput);
    const p = POLICY_KEY.test(policy) ? await getPolicy(deps.db, actor.tenant, policy) : null;
    if (!p) throw notFound(policy);
    const [activations, draft, versions] = await Promise.all([
      activationsOf(actor, policy),
      getDraft(deps.db, actor.tenant, policy),
      listVersions(deps.db, actor.tenant, policy),
    ]);
    const activeVersion = activeVersionAt(activations, at);
    const active = activeVersion === null ? null : await getVersion(deps.db, actor.tenant, policy, activeVersion);
    return {
      key: p.key,
      title: p.title,
      createdAt: p.createdAt,
      createdBy: p.createdBy,
      at,
      active: active && {
        policy, version: active.version, contentHash: active.contentHash, note: active.note, reason: active.reason,
        createdAt: active.createdAt, createdBy: active.createdBy, document: active.document as Record<string, unknown>,
      },
      latestVersion: versions.at(-1)?.version ?? null,
      draft: draftSummary(draft ?? undefined),
      activations,
      schedule: resolveTimeline(activations),
    };
  }

  /**
   * Creates a policy whose first draft is `document` (which must compile: 400 with every
   * problem's path under /document). 409 when the tenant already has a policy of that key.
   */
  /** checkDocument's problems: in the sandbox when there is one (a tenant's document at the bounds takes most of a second to compile). */
  async function documentProblems(key: string, document: Record<string, unknown>): Promise<PathProblem[]> {
    if (!deps.sandbox) {
      const checked = checkDocument(deps.registry, key, document);
      return checked.ok ? [] : checked.problems;
    }
    // The size and depth bounds here first: a 10,000-deep document cannot even be written as text for the worker.
    const shape = checkShape(document);
    if (shape.length) return shape.map(({ path, message }) => ({ path, message }));
    return (await deps.sandbox.run({ kind: 'check', policyKey: key, document: documentRef(document), analyze: false }, '/document')).problems;
  }

  async function create({ actor, document, reason }: { actor: Actor; document: Record<string, unknown>; reason?: string }): Promise<{ detail: PolicyDetail; etag: string }> {
    assertCan(actor, 'write');
    const key = typeof document.key === 'string' ? document.key : '';
    const problems = await documentProblems(key, document);
    if (problems.length) throw new ServiceError('invalid_body', 'the policy document does not compile', prefixPaths('/document', problems));
    if (await getPolicy(deps.db, actor.tenant, key)) throw exists(key);

    const etag = newEtag();
    const at = now().toISOString();
    try {
      await deps.db.batch(
        [
          insertPolicyStmt({ tenant: actor.tenant, key, title: String(document.title), createdBy: actor.keyId, at }),
          insertDraftStmt({ tenant: actor.tenant, policy: key, document, etag, baseVersion: null, by: actor.keyId, at }),
          auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'policy.create', target: key, reason: reason ?? null, detail: { etag }, at }),
          changeStmt(actor.tenant, 'policy', key),
        ],
        'write',
      );
    } catch (err) {
      // Lost a race with a create of the same key: the primary key refused ours.
      if (await getPolicy(deps.db, actor.tenant, key)) throw exists(key);
      throw err;
    }
    deps.cache?.invalidate(actor.tenant, key);
    return { detail: await get({ actor, policy: key, at }), etag };
  }

  return { list, get, create };
}

export type Policies = ReturnType<typeof createPolicies>;

export function notFound(policy: string): ServiceError {
  return new ServiceError('not_found', `policy "${policy}" not found`);
}

function exists(key: string): ServiceError {
  return new ServiceError('conflict', `policy "${key}" already exists: edit it through its draft (PUT /v1/policies/${key}/draft)`, [{ path: '/document/key', message: `policy "${key}" already exists` }]);
}

function draftSummary(d: DraftRowSummary | undefined): DraftSummary | null {
  return d ? { etag: d.etag, baseVersion: d.baseVersion, updatedAt: d.updatedAt, updatedBy: d.updatedBy } : null;
}

function instant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ServiceError('invalid_query', 'at must be an ISO-8601 date-time', [{ path: '/query/at', message: 'must be an ISO-8601 date-time' }]);
  return new Date(ms).toISOString();
}
