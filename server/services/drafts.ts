/**
 * Draft verbs: read, save, delete, validate and test a policy's one editable draft, with
 * optimistic concurrency (ETag / If-Match, RFC 9110 §13.1).
 *
 *   - GET has no fallback: without a draft it answers 404. To start one, read the active
 *     version's document (GET /v1/policies/{policy}) and PUT it with `If-None-Match: *`; a GET
 *     that silently made a draft would hand two editors the same starting point and no ETag
 *     race to tell them apart.
 *   - PUT needs a precondition (428 without): `If-None-Match: *` creates the first draft (412 if
 *     one exists), `If-Match: "<etag>"` replaces it (412 when the ETag is stale). The check and
 *     the write are one conditional statement, so of two saves with the same ETag exactly one
 *     wins. A draft that does not compile is saved anyway (staff save work in progress); the
 *     answer lists its problems.
 *   - DELETE needs If-Match; 404 when there is no draft (RFC 9110 §13.2.1: preconditions are
 *     ignored when the request would fail without them).
 *
 * @example
 *   const { draft, created } = await drafts.save({ actor, policy: 'returns', document, precondition: { ifNoneMatch: '*' } });
 *   await drafts.save({ actor, policy: 'returns', document: edited, precondition: { ifMatch: `"${draft.etag}"` } });
 */
import { checkShape } from '../engine/safety.ts';
import { ServiceError, prefixPaths } from '../errors.ts';
import { documentRef } from '../sandbox/pool.ts';
import type { Sandbox } from '../sandbox/pool.ts';
import type { SchemaRegistry } from '../engine/index.ts';
import { auditStmt } from '../store/audit.ts';
import type { Client } from '../store/client.ts';
import { deleteDraftStmt, getDraft, insertDraftStmt, newEtag, updateDraftStmt } from '../store/drafts.ts';
import type { DraftRow } from '../store/drafts.ts';
import type { InStatement } from '../store/rows.ts';
import { getPolicy, latestVersionNumber } from '../store/policies.ts';
import type { Draft, DraftTestReport, DraftValidation } from '../types/schemas.gen.ts';
import { analyzeDocument, checkDocument, POLICY_KEY, runTests } from './policy-document.ts';
import { notFound } from './policies.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';

export interface DraftsDeps {
  db: Client;
  registry: SchemaRegistry;
  /** Where a draft's tests run (the API always passes it); without one, on this thread (the CLI, unit tests). */
  sandbox?: Sandbox;
  now?: () => Date;
}

/** The raw conditional request headers. */
export interface Precondition {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export function createDrafts(deps: DraftsDeps) {
  const now = () => (deps.now?.() ?? new Date()).toISOString();

  /** The draft, or 404 for a missing (or another tenant's) policy or a policy without one. */
  async function load(actor: Actor, policy: string): Promise<DraftRow> {
    await requirePolicy(deps.db, actor, policy);
    const draft = await getDraft(deps.db, actor.tenant, policy);
    if (!draft) throw noDraft(policy);
    return draft;
  }

  async function view(d: DraftRow): Promise<Draft> {
    // Compiling and analysing a document at the bounds (0.5 MB, 500 rules) takes the better part
    // of a second: in the sandbox, off the thread that decides (cached there by content hash,
    // so the draft's test run after a save does not compile it again).
    let problems: Draft['problems'];
    let warnings: Draft['warnings'];
    if (deps.sandbox) {
      ({ problems, warnings } = await deps.sandbox.run({ kind: 'check', policyKey: d.policy, document: documentRef(d.document) }, '/document'));
    } else {
      const checked = checkDocument(deps.registry, d.policy, d.document);
      problems = checked.ok ? [] : checked.problems;
      warnings = checked.ok ? analyzeDocument(deps.registry, d.document) : [];
    }
    return {
      policy: d.policy, etag: d.etag, baseVersion: d.baseVersion, updatedAt: d.updatedAt, updatedBy: d.updatedBy,
      valid: problems.length === 0, problems, warnings,
      document: d.document as Record<string, unknown>,
    };
  }

  async function get({ actor, policy }: { actor: Actor; policy: string }): Promise<Draft> {
    assertCan(actor, 'read');
    return await view(await load(actor, policy));
  }

  async function save({ actor, policy, document, precondition }: { actor: Actor; policy: string; document: Record<string, unknown>; precondition: Precondition }): Promise<{ draft: Draft; created: boolean }> {
    assertCan(actor, 'write');
    const expected = parseIfMatch(precondition.ifMatch);
    const create = precondition.ifNoneMatch !== undefined;
    if (create && precondition.ifNoneMatch!.trim() !== '*') throw required('If-None-Match on a draft can only be "*" (create it if there is none)');
    if (create && expected) throw required('send either If-Match (replace the draft) or If-None-Match: * (create it), not both');
    if (!create && !expected) throw required('send If-Match: "<etag>" to replace the draft, or If-None-Match: * to create the first one');
    await requirePolicy(deps.db, actor, policy);
    // A draft may be work in progress that does not compile, but not beyond the size and
    // nesting bounds: a 10,000-deep document could not even be written (JSON.stringify
    // overflows the stack: it answered 500) and nothing of it could ever compile.
    const shape = checkShape(document);
    if (shape.length) throw new ServiceError('invalid_body', 'the document is beyond the size or nesting bounds of a policy document, so it is not saved', prefixPaths('/document', shape));

    const at = now();
    const etag = newEtag();
    if (create) {
      const baseVersion = await latestVersionNumber(deps.db, actor.tenant, policy);
      const [res] = await deps.db.batch(
        [insertDraftStmt({ tenant: actor.tenant, policy, document, etag, baseVersion, by: actor.keyId, at }), auditSave(actor, policy, etag, at, 'draft.create')],
        'write',
      );
      if (res!.rowsAffected !== 1) {
        throw new ServiceError('precondition_failed', `policy "${policy}" already has a draft: read it (GET /v1/policies/${policy}/draft) and send its ETag in If-Match`);
      }
      return { draft: await view((await getDraft(deps.db, actor.tenant, policy))!), created: true };
    }
    const tag = await chooseTag(actor, policy, expected!);
    // The ETag is compared inside the UPDATE itself: of two saves with the same ETag, one wins.
    const [res] = await deps.db.batch([updateDraftStmt({ tenant: actor.tenant, policy, document, etag, expected: tag, by: actor.keyId, at }), auditSave(actor, policy, etag, at)], 'write');
    if (res!.rowsAffected !== 1) throw stale(policy, 'saved');
    return { draft: await view((await getDraft(deps.db, actor.tenant, policy))!), created: false };
  }

  /**
   * Which single ETag to compare against: the current one if the header lists it (or is "*"),
   * else one that cannot match. The write compares again, so a change in between still fails.
   */
  async function chooseTag(actor: Actor, policy: string, expected: '*' | string[]): Promise<string> {
    const current = (await getDraft(deps.db, actor.tenant, policy))?.etag;
    if (current !== undefined && (expected === '*' || expected.includes(current))) return current;
    return '';
  }

  async function remove({ actor, policy, precondition, reason }: { actor: Actor; policy: string; precondition: Precondition; reason?: string }): Promise<void> {
    assertCan(actor, 'write');
    const expected = parseIfMatch(precondition.ifMatch);
    if (!expected) throw required('send If-Match: "<etag>" (the draft you mean to delete)');
    await load(actor, policy);
    const tag = await chooseTag(actor, policy, expected);
    const [res] = await deps.db.batch(discardDraftStmts(actor, policy, tag, reason ?? null), 'write');
    if (res!.rowsAffected === 1) return;
    if (!(await getDraft(deps.db, actor.tenant, policy))) throw noDraft(policy);
    throw stale(policy, 'deleted');
  }

  async function validate({ actor, policy }: { actor: Actor; policy: string }): Promise<DraftValidation> {
    assertCan(actor, 'read');
    const { etag, valid, problems, warnings } = await view(await load(actor, policy));
    return { policy, etag, valid, problems, warnings };
  }

  /** Runs the draft's embedded tests; 422 with the compile problems when it does not compile. */
  async function test({ actor, policy }: { actor: Actor; policy: string }): Promise<DraftTestReport> {
    assertCan(actor, 'read');
    const draft = await load(actor, policy);
    // In the sandbox both the compile and the tests run off this thread (the worker keeps the
    // compiled draft by content hash, so re-running an unchanged draft's tests does not recompile).
    const checked = deps.sandbox ? await deps.sandbox.testDocument(policy, draft.document) : checkDocument(deps.registry, policy, draft.document);
    if (!checked.ok) throw new ServiceError('unprocessable', 'the draft does not compile, so its tests cannot run', checked.problems);
    return { policy, etag: draft.etag, ...('report' in checked ? checked.report : runTests(checked.policy)) };
  }

  return { get, save, remove, validate, test };
}

export type Drafts = ReturnType<typeof createDrafts>;

/**
 * The entity tags of an If-Match header: "*", or the listed tags without their quotes
 * (unquoted tags are accepted too, since clients copy `etag` from the JSON body). Weak tags
 * (W/"...") never match: If-Match uses the strong comparison. undefined without the header.
 */
export function parseIfMatch(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return header.split(',').map((t) => t.trim()).filter((t) => t && !t.startsWith('W/')).map((t) => t.replace(/^"(.*)"$/, '$1'));
}

export async function requirePolicy(db: Client, actor: Actor, policy: string): Promise<void> {
  // Looked up under the caller's tenant: another tenant's policy is simply missing.
  if (!POLICY_KEY.test(policy) || !(await getPolicy(db, actor.tenant, policy))) throw notFound(policy);
}

export function noDraft(policy: string): ServiceError {
  return new ServiceError('not_found', `policy "${policy}" has no draft; start one with PUT /v1/policies/${policy}/draft and If-None-Match: *`);
}

export function stale(policy: string, what: string): ServiceError {
  return new ServiceError('precondition_failed', `the draft of policy "${policy}" was changed since you read it (its ETag differs), so it was not ${what}: read it again (GET /v1/policies/${policy}/draft)`);
}

function required(detail: string): ServiceError {
  return new ServiceError('precondition_required', detail);
}

function auditSave(actor: Actor, policy: string, etag: string, at: string, action = 'draft.save') {
  return auditStmt({ tenant: actor.tenant, actor: actor.keyId, action, target: policy, detail: { etag }, at }, { ifChanged: true });
}

/**
 * Deletes the draft while it still has `etag`, audited as draft.delete only if it went (the
 * batch's first result says whether it did): a delete asked for (DELETE .../draft) and the
 * discard of a draft identical to a version at publish (publish.ts) alike.
 */
export function discardDraftStmts(actor: Actor, policy: string, etag: string, reason: string | null, detail: Record<string, unknown> = {}): InStatement[] {
  return [
    deleteDraftStmt(actor.tenant, policy, etag),
    auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'draft.delete', target: policy, reason, detail: { etag, ...detail } }, { ifChanged: true }),
  ];
}
