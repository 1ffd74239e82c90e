/**
 * Publishing a draft: the one way a document edited through the API becomes an immutable,
 * numbered, content-hashed version.
 *
 * Order of the checks (each a problem+json): 428 without If-Match; 404 for a missing policy or
 * draft; 412 when the ETag is stale; 422 when the document does not compile (every problem
 * with its path) or when any embedded test fails (each failing test named in `errors`, with
 * its mismatches in the `tests` member); 409 when the document is identical (same content
 * hash) to an existing version — unchanged, nothing new to publish: activate that version
 * instead (rollback is an activation, not a publish). Such a draft holds no change, so it is
 * discarded (audited as draft.delete; the problem's `draftDiscarded` says so) rather than left
 * open looking like an edit.
 *
 * Publishing never changes what decides unless asked: without `activate` the version is
 * recorded but not in force. With `activate: {from?, until?}` it is activated in the same
 * transaction (from now, open-ended, by default). One batch holds the version (inserted only
 * while the draft still has the checked ETag: see insertVersionFromDraftStmt), the deletion of
 * the draft, the policy's title, the audit rows, the activation and the change-feed row that
 * makes every other process drop its cached activations within a poll interval.
 *
 * @example
 *   const answer = await publishDraft(deps, { actor, policy: 'returns', precondition: { ifMatch: '"abc"' },
 *     reason: 'extend the holiday window', activate: { from: '2024-10-11T00:00:00Z', until: '2025-02-01T00:00:00Z' } });
 *   answer.version.version;   // 3
 */
import { LibsqlError } from '@libsql/client';
import { ServiceError } from '../errors.ts';
import type { Sandbox } from '../sandbox/pool.ts';
import type { SchemaRegistry } from '../engine/index.ts';
import { insertActivationStmt } from '../store/activations.ts';
import { auditStmt } from '../store/audit.ts';
import { changeStmt } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { contentHash } from '../store/content-hash.ts';
import { deleteDraftStmt, getDraft } from '../store/drafts.ts';
import { getVersion, insertVersionFromDraftStmt, latestVersionNumber, refreshTitleStmt, versionWithHash } from '../store/policies.ts';
import type { InStatement } from '../store/rows.ts';
import type { PublishAnswer, PublishRequest } from '../types/schemas.gen.ts';
import { listPolicyActivations } from './activations.ts';
import { discardDraftStmts, noDraft, parseIfMatch, requirePolicy, stale } from './drafts.ts';
import type { Precondition } from './drafts.ts';
import type { PolicyCache } from './policy-cache.ts';
import { checkDocument, failureMessage, runTests } from './policy-document.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { unholdableInstant } from './instants.ts';

export interface PublishDeps {
  db: Client;
  registry: SchemaRegistry;
  cache?: PolicyCache;
  /** Where the draft's tests run (the API always passes it); without one, on this thread. */
  sandbox?: Sandbox;
  now?: () => Date;
}

export type PublishInput = PublishRequest & { actor: Actor; policy: string; precondition: Precondition };

export async function publishDraft(deps: PublishDeps, input: PublishInput): Promise<PublishAnswer> {
  const { actor, policy } = input;
  assertCan(actor, 'publish');
  const expected = parseIfMatch(input.precondition.ifMatch);
  if (!expected) throw new ServiceError('precondition_required', 'send If-Match: "<etag>" of the draft you tested, so that a draft changed meanwhile is not published');
  // The body's own problem first (400), before anything is looked up.
  const at = (deps.now?.() ?? new Date()).toISOString();
  const activation = input.activate ? window(input.activate, at) : null;
  await requirePolicy(deps.db, actor, policy);
  const draft = await getDraft(deps.db, actor.tenant, policy);
  if (!draft) throw noDraft(policy);
  if (expected !== '*' && !expected.includes(draft.etag)) throw stale(policy, 'published');

  // Compiled and tested in the sandbox when there is one (the draft is tenant code nobody has published).
  const checked = deps.sandbox ? await deps.sandbox.testDocument(policy, draft.document) : checkDocument(deps.registry, policy, draft.document);
  if (!checked.ok) throw new ServiceError('unprocessable', 'the draft does not compile, so it cannot be published', checked.problems);
  const report = 'report' in checked ? checked.report : runTests(checked.policy);
  if (!report.passed) {
    const failing = report.tests.filter((t) => !t.passed);
    throw new ServiceError(
      'unprocessable',
      `${failing.length} of ${report.total} tests of the draft fail, so it cannot be published`,
      failing.map((t) => ({ path: t.path, message: failureMessage(t) })),
      { members: { tests: failing } },
    );
  }
  const hash = contentHash(draft.document);
  const same = await versionWithHash(deps.db, actor.tenant, policy, hash);
  if (same !== null) throw await discardIdentical(deps, input, draft.etag, same, hash);

  const version = ((await latestVersionNumber(deps.db, actor.tenant, policy)) ?? 0) + 1;
  const target = `${policy}@${version}`;
  const statements: InStatement[] = [
    insertVersionFromDraftStmt({ tenant: actor.tenant, policy, version, etag: draft.etag, contentHash: hash, document: draft.document, note: input.note ?? null, reason: input.reason, createdBy: actor.keyId, at }),
    deleteDraftStmt(actor.tenant, policy, draft.etag),
    refreshTitleStmt(actor.tenant, policy),
    auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'version.publish', target, reason: input.reason, detail: { version, contentHash: hash, etag: draft.etag, baseVersion: draft.baseVersion, note: input.note ?? null, tests: report.total }, at }),
  ];
  if (activation) {
    statements.push(
      insertActivationStmt({ tenant: actor.tenant, policy, version, from: activation.from, until: activation.until, reason: input.reason, createdBy: actor.keyId, at }),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'activation.create', target, reason: input.reason, detail: { version, ...activation, with: 'publish' }, at }),
    );
  }
  statements.push(changeStmt(actor.tenant, activation ? 'activation' : 'policy', policy));

  try {
    await deps.db.batch(statements, 'write');
  } catch (err) {
    if (!(err instanceof LibsqlError) || !/CONSTRAINT/.test(`${err.code} ${err.extendedCode ?? ''}`)) throw err;
    // The batch rolled back whole. Either the draft changed or went (the compare-and-swap of
    // the version insert failed), or another publish took this version number.
    const now = await getDraft(deps.db, actor.tenant, policy);
    if (!now) throw noDraft(policy);
    if (now.etag !== draft.etag) throw stale(policy, 'published');
    throw new ServiceError('conflict', `version ${version} of policy "${policy}" was published by someone else at the same time; the draft is unchanged, publish it again`);
  }
  deps.cache?.invalidate(actor.tenant, policy);

  const row = (await getVersion(deps.db, actor.tenant, policy, version))!;
  const { document: _document, tenant: _tenant, ...info } = row;
  const made = activation ? (await listPolicyActivations({ db: deps.db }, { actor, policy })).filter((a) => a.version === version && a.createdAt === at).at(-1) ?? null : null;
  return { version: info, activation: made, tests: { total: report.total, passed: report.total } };
}

/**
 * A draft identical to version `same` publishes nothing, and is discarded: it holds no change
 * (version `same` keeps exactly its content), so leaving it open would only make the policy look
 * edited. The draft is deleted only while it still has the checked ETag (a save in between
 * keeps the newer draft), audited as `draft.delete` with the publish's reason. The answer stays
 * the 409 naming the version (`version`), with `draftDiscarded` saying whether the draft went.
 */
async function discardIdentical(deps: PublishDeps, input: PublishInput, etag: string, same: number, hash: string): Promise<ServiceError> {
  const { actor, policy } = input;
  const [res] = await deps.db.batch(discardDraftStmts(actor, policy, etag, input.reason, { identicalTo: same, contentHash: hash, with: 'publish' }), 'write');
  const discarded = res!.rowsAffected === 1;
  const fate = discarded ? 'the draft, which held no change, is discarded' : (await getDraft(deps.db, actor.tenant, policy)) ? 'the draft was saved again meanwhile and is kept' : 'the draft was published or deleted meanwhile';
  return new ServiceError('conflict', `the draft is identical to version ${same} (${hash}): unchanged, nothing new to publish; ${fate}. To put version ${same} in force, activate it.`, [], { members: { version: same, draftDiscarded: discarded } });
}

/** The activation window asked for: from `from` (default: the publish instant) until `until` (default: open-ended). */
function window(asked: NonNullable<PublishRequest['activate']>, at: string): { from: string; until: string | null } {
  const from = asked.from === undefined ? at : instant(asked.from, '/activate/from');
  const until = asked.until === undefined ? null : instant(asked.until, '/activate/until');
  if (until !== null && Date.parse(until) <= Date.parse(from)) {
    throw new ServiceError('invalid_body', '"activate.until" must be after "activate.from" (default: now)', [{ path: '/activate/until', message: `must be after ${from}` }]);
  }
  return { from, until };
}

/** The instant in canonical form, or a 400 at its path for one no Date can hold (see instants.ts). */
function instant(value: string, path: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw unholdableInstant(path);
  return new Date(ms).toISOString();
}
