/**
 * Sample routes: the tenant's named order scenarios (simulation inputs, ready-made test cases).
 *   GET    /v1/samples?policy=   (read)   list, without orders
 *   GET    /v1/samples/{name}    (read)   one, with its order and requests
 *   POST   /v1/samples           (write)  schemas/sample.schema.json, then each named policy's input schema → 201
 *   DELETE /v1/samples/{name}    (write)  → 204
 * Every change is audited; another tenant's sample answers 404 exactly like a missing one.
 */
import type { Hono } from 'hono';
import { createSample, deleteSample, getSample, listSamples } from '../../services/samples.ts';
import type { Sample } from '../../types/schemas.gen.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const policyKey = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' };

export const sampleRoutes = {
  list: {
    method: 'get',
    path: '/v1/samples',
    tag: 'samples',
    summary: 'List samples',
    description: 'The tenant\'s samples by name, with the policies each has a request for (no orders: get one sample for that).',
    permission: 'read',
    query: [{ name: 'policy', description: 'Only samples with a request for this policy key.', schema: policyKey }],
    responses: { 200: { description: 'The samples', schema: 'api/sample-list.schema.json' } },
  },
  get: {
    method: 'get',
    path: '/v1/samples/{name}',
    tag: 'samples',
    summary: 'Get a sample',
    description: 'One sample with its order and the request for each policy.',
    permission: 'read',
    responses: { 200: { description: 'The sample', schema: 'api/sample-view.schema.json' } },
  },
  create: {
    method: 'post',
    path: '/v1/samples',
    tag: 'samples',
    summary: 'Add a sample',
    description: 'Adds a sample. It is checked against schemas/sample.schema.json and then, for each policy in `requests`, `{order, request}` against that policy\'s input schema (of the version active at `at`, or the newest one): every problem is a 400 with its path in the body (/order/..., /requests/<policy>/...). A name already taken answers 409.',
    permission: 'write',
    body: 'sample.schema.json',
    responses: {
      201: { description: 'The sample added', schema: 'api/sample-view.schema.json', headers: { Location: { description: 'The sample\'s URL.', schema: { type: 'string' } } } },
      409: { description: 'The tenant already has a sample of that name' },
    },
  },
  delete: {
    method: 'delete',
    path: '/v1/samples/{name}',
    tag: 'samples',
    summary: 'Delete a sample',
    description: 'Deletes a sample. Its whole document stays in the audit log entry (sample.delete), so it can be put back by hand.',
    permission: 'write',
    query: [{ name: 'reason', description: 'Why (recorded in the audit log).', schema: { type: 'string', maxLength: 1000 } }],
    responses: { 204: { description: 'Deleted' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerSamples(app: Hono<AppEnv>, deps: AppDeps): void {
  route(app, sampleRoutes.list, async (c) => {
    const { policy } = readQuery<{ policy?: string }>(c, sampleRoutes.list);
    return c.json({ samples: await listSamples(deps, { actor: c.get('actor'), ...(policy !== undefined ? { policy } : {}) }) });
  });

  route(app, sampleRoutes.get, async (c) => c.json(await getSample(deps, { actor: c.get('actor'), name: c.req.param('name')! })));

  route<Sample>(app, sampleRoutes.create, async (c, sample) => {
    const created = await createSample(deps, { actor: c.get('actor'), sample });
    c.header('Location', `/v1/samples/${encodeURIComponent(created.name)}`);
    return c.json(created, 201);
  });

  route(app, sampleRoutes.delete, async (c) => {
    const { reason } = readQuery<{ reason?: string }>(c, sampleRoutes.delete);
    await deleteSample(deps, { actor: c.get('actor'), name: c.req.param('name')!, reason: reason ?? null });
    return c.body(null, 204);
  });
}
