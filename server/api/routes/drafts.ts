/**
 * Draft routes (one editable draft per policy, optimistic concurrency with ETag / If-Match):
 *   GET    /v1/policies/{policy}/draft           (read)     the draft + ETag; 404 when there is none
 *   PUT    /v1/policies/{policy}/draft           (write)    If-None-Match: * creates (201), If-Match: "<etag>" replaces (200);
 *                                                          412 stale, 428 with neither; saved even if it does not compile
 *   DELETE /v1/policies/{policy}/draft           (write)    If-Match → 204
 *   POST   /v1/policies/{policy}/draft/validate  (read)     compile problems and analysis warnings with JSON paths
 *   POST   /v1/policies/{policy}/draft/test      (read)     the embedded tests, run
 *   POST   /v1/policies/{policy}/draft/publish   (publish)  If-Match, {reason, note?, activate?} → 201 the new version
 * Semantics in server/services/drafts.ts and publish.ts.
 */
import type { Context, Hono } from 'hono';
import { schemaRegistry } from '../../catalog/schema-files.ts';
import { createDrafts } from '../../services/drafts.ts';
import type { Precondition } from '../../services/drafts.ts';
import { publishDraft } from '../../services/publish.ts';
import type { DraftSaveRequest, PublishRequest } from '../../types/schemas.gen.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { ParameterSpec, RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const ifMatch = (required: boolean, what: string): ParameterSpec => ({ name: 'If-Match', description: `The draft's ETag as last read (quoted), ${what}.`, required, schema: { type: 'string' } });
const etagHeader = { ETag: { description: 'The draft\'s ETag (quoted): send it in If-Match to change, delete or publish it.', schema: { type: 'string' } } };

export const draftRoutes = {
  get: {
    method: 'get', path: '/v1/policies/{policy}/draft', tag: 'drafts', summary: 'Get the draft', permission: 'read',
    description: 'The policy\'s draft with its ETag, compile problems and static-analysis warnings. 404 when the policy has no draft: to start one, PUT the active version\'s document (from GET /v1/policies/{policy}) with `If-None-Match: *`.',
    responses: { 200: { description: 'The draft', schema: 'api/draft.schema.json', headers: etagHeader } },
  },
  put: {
    method: 'put', path: '/v1/policies/{policy}/draft', tag: 'drafts', summary: 'Save the draft', permission: 'write',
    description: 'Saves the whole draft document. `If-None-Match: *` creates the first draft (201; 412 if one exists); `If-Match: "<etag>"` replaces it (200; 412 when someone saved in between, so of two saves with the same ETag exactly one succeeds); neither answers 428. A document that does not compile is saved anyway (work in progress) and the answer lists its problems with their JSON paths. A document that compiles is also analysed: `warnings` lists rules no input reaches, decision-table gaps and rows that never hit, params never used, outputs a rule leaves out and date windows that can never be open, each with its JSON path and a code (warnings never block a test or a publish).',
    body: 'api/draft-save-request.schema.json',
    headers: [
      ifMatch(false, 'to replace the draft'),
      { name: 'If-None-Match', description: '`*` to create the first draft (only when there is none).', schema: { type: 'string', enum: ['*'] } },
    ],
    responses: {
      200: { description: 'The draft as saved', schema: 'api/draft.schema.json', headers: etagHeader },
      201: { description: 'The draft, created', schema: 'api/draft.schema.json', headers: etagHeader },
      428: { description: 'Neither If-Match nor If-None-Match: * was sent' },
    },
  },
  delete: {
    method: 'delete', path: '/v1/policies/{policy}/draft', tag: 'drafts', summary: 'Delete the draft', permission: 'write',
    description: 'Discards the draft. The published versions are untouched.',
    headers: [ifMatch(true, 'so that a draft saved by someone else meanwhile is not discarded')],
    query: [{ name: 'reason', description: 'Why (recorded in the audit log).', schema: { type: 'string', maxLength: 1000 } }],
    responses: { 204: { description: 'Deleted' } },
  },
  validate: {
    method: 'post', path: '/v1/policies/{policy}/draft/validate', tag: 'drafts', summary: 'Validate the draft', permission: 'read',
    description: 'Compiles the saved draft: every problem with its JSON path into the document (DSL schema, operator allow-list, safety bounds, input and output schemas, and a key other than the policy\'s). Always 200 when there is a draft; `valid` says whether it can be published. When it compiles, `warnings` has the static analysis (unreachable rules, table gaps and dead rows, unused params, outputs a rule leaves out, date windows never open); warnings do not make it invalid.',
    responses: { 200: { description: 'The problems and warnings', schema: 'api/draft-validation.schema.json' } },
  },
  test: {
    method: 'post', path: '/v1/policies/{policy}/draft/test', tag: 'drafts', summary: 'Run the draft\'s tests', permission: 'read',
    description: 'Runs the embedded tests of the saved draft: each test\'s name, path, whether it passed, its mismatches with the expectation, the rule that decided and the decision. 422 with the compile problems when the draft does not compile.',
    responses: { 200: { description: 'The test report', schema: 'api/draft-test-report.schema.json' }, 422: { description: 'The draft does not compile' } },
  },
  publish: {
    method: 'post', path: '/v1/policies/{policy}/draft/publish', tag: 'drafts', summary: 'Publish the draft', permission: 'publish',
    description: 'Makes the draft the next immutable version (content-hashed; who, when and why recorded) and deletes the draft. Refused with 422 when it does not compile (every problem\'s path) or when any embedded test fails (each failing test in `errors`, with its mismatches in the problem\'s `tests` member); 409 when the document is identical to an existing version: unchanged, nothing is published, the problem\'s `version` names that version (activate it instead) and the draft, which holds no change, is discarded (`draftDiscarded`; audited as draft.delete). Publishing does not change what decides unless `activate` is given: then the version is activated in the same transaction (from now, open-ended, by default) and is in force on every server process within a second.',
    body: 'api/publish-request.schema.json',
    headers: [ifMatch(true, 'so that only the draft you validated and tested is published')],
    responses: {
      201: { description: 'The new version', schema: 'api/publish-answer.schema.json', headers: { Location: { description: 'The new version\'s URL.', schema: { type: 'string' } } } },
      409: { description: 'The draft is identical to an existing version (`version`; the draft is discarded, `draftDiscarded`), or another version was published at the same instant' },
      422: { description: 'The draft does not compile or a test fails' },
    },
  },
} satisfies Record<string, RouteSpec>;

function precondition(c: Context<AppEnv>): Precondition {
  return { ifMatch: c.req.header('If-Match'), ifNoneMatch: c.req.header('If-None-Match') };
}

export function registerDrafts(app: Hono<AppEnv>, deps: AppDeps): void {
  const registry = schemaRegistry();
  const drafts = createDrafts({ db: deps.db, registry, sandbox: deps.sandbox });
  const policy = (c: Context<AppEnv>) => c.req.param('policy')!;

  route(app, draftRoutes.get, async (c) => {
    const draft = await drafts.get({ actor: c.get('actor'), policy: policy(c) });
    c.header('ETag', `"${draft.etag}"`);
    return c.json(draft);
  });

  route<DraftSaveRequest>(app, draftRoutes.put, async (c, body) => {
    const { draft, created } = await drafts.save({ actor: c.get('actor'), policy: policy(c), document: body.document, precondition: precondition(c) });
    c.header('ETag', `"${draft.etag}"`);
    return c.json(draft, created ? 201 : 200);
  });

  route(app, draftRoutes.delete, async (c) => {
    const { reason } = readQuery<{ reason?: string }>(c, draftRoutes.delete);
    await drafts.remove({ actor: c.get('actor'), policy: policy(c), precondition: precondition(c), ...(reason !== undefined ? { reason } : {}) });
    return c.body(null, 204);
  });

  route(app, draftRoutes.validate, async (c) => c.json(await drafts.validate({ actor: c.get('actor'), policy: policy(c) })));

  route(app, draftRoutes.test, async (c) => c.json(await drafts.test({ actor: c.get('actor'), policy: policy(c) })));

  route<PublishRequest>(app, draftRoutes.publish, async (c, body) => {
    const answer = await publishDraft({ db: deps.db, cache: deps.cache, registry, sandbox: deps.sandbox }, { ...body, actor: c.get('actor'), policy: policy(c), precondition: precondition(c) });
    c.header('Location', `/v1/policies/${encodeURIComponent(policy(c))}/versions/${answer.version.version}`);
    return c.json(answer, 201);
  });
}
