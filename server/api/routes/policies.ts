/**
 * Policy routes:
 *   GET  /v1/policies            (read)   every policy: active version now, open draft, upcoming changes
 *   GET  /v1/policies/{policy}   (read)   one policy: the version active at ?at (with its document), draft, activations, schedule
 *   POST /v1/policies            (write)  {document, reason?} → 201: a new policy whose first draft is the document
 * A new policy decides nothing (422 no-active-version) until its draft is published and the
 * version activated; see server/services/policies.ts.
 */
import type { Hono } from 'hono';
import { schemaRegistry } from '../../catalog/schema-files.ts';
import { createPolicies } from '../../services/policies.ts';
import type { PolicyCreateRequest } from '../../types/schemas.gen.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const policyRoutes = {
  list: {
    method: 'get',
    path: '/v1/policies',
    tag: 'policies',
    summary: 'List policies',
    description: 'The tenant\'s policies, by key, each with the version that decides now, the newest version, the open draft (its ETag and when it was saved) and the upcoming changes of the schedule.',
    permission: 'read',
    responses: { 200: { description: 'The policies', schema: 'api/policy-list.schema.json' } },
  },
  get: {
    method: 'get',
    path: '/v1/policies/{policy}',
    tag: 'policies',
    summary: 'Get a policy',
    description: 'The policy with the version active at `at` (number, content hash and document), its draft if any, its live activations and the schedule they make: contiguous segments saying which version decides when, resolved with the same rule as decide.',
    permission: 'read',
    query: [{ name: 'at', description: 'The instant whose active version is shown (ISO-8601 with a time zone). Default: now.', schema: { type: 'string', format: 'date-time' } }],
    responses: { 200: { description: 'The policy', schema: 'api/policy-detail.schema.json' } },
  },
  create: {
    method: 'post',
    path: '/v1/policies',
    tag: 'policies',
    summary: 'Create a policy',
    description: 'Creates a policy from a document that compiles (otherwise 400 with every problem\'s path under /document); its `key` becomes the policy key (409 if the tenant has one). The policy starts as a draft only: it has no version and decides nothing (decide answers 422 no-active-version) until the draft is published and activated (POST .../draft/publish with `activate`). The answer carries the draft\'s ETag.',
    permission: 'write',
    body: 'api/policy-create-request.schema.json',
    responses: {
      201: {
        description: 'The policy, with its first draft',
        schema: 'api/policy-detail.schema.json',
        headers: {
          Location: { description: 'The policy\'s URL.', schema: { type: 'string' } },
          ETag: { description: 'The ETag of the first draft, for If-Match on the next save or publish.', schema: { type: 'string' } },
        },
      },
      409: { description: 'The tenant already has a policy with this key' },
    },
  },
} satisfies Record<string, RouteSpec>;

export function registerPolicies(app: Hono<AppEnv>, deps: AppDeps): void {
  const policies = createPolicies({ db: deps.db, cache: deps.cache, registry: schemaRegistry(), sandbox: deps.sandbox });

  route(app, policyRoutes.list, async (c) => c.json(await policies.list({ actor: c.get('actor') })));

  route(app, policyRoutes.get, async (c) => {
    const { at } = readQuery<{ at?: string }>(c, policyRoutes.get);
    return c.json(await policies.get({ actor: c.get('actor'), policy: c.req.param('policy')!, ...(at !== undefined ? { at } : {}) }));
  });

  route<PolicyCreateRequest>(app, policyRoutes.create, async (c, body) => {
    const { detail, etag } = await policies.create({ actor: c.get('actor'), document: body.document, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    c.header('Location', `/v1/policies/${encodeURIComponent(detail.key)}`);
    c.header('ETag', `"${etag}"`);
    return c.json(detail, 201);
  });
}
