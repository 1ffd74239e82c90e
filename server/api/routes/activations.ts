/**
 * Activation routes: which version of a policy decides when.
 *   GET    /v1/policies/{policy}/activations        (read)     the live activations, oldest first
 *   POST   /v1/policies/{policy}/activations        (publish)  {version, from?, until?, reason} → 201
 *   DELETE /v1/policies/{policy}/activations/{id}   (publish)  only one that has not started (409 otherwise)
 *   GET    /v1/policies/{policy}/timeline?from&until (read)    the resolved segments
 * Overlaps: the later activation wins (the engine's activeVersionAt). A change is in force on
 * this process at once and on every other process on the database within a second.
 */
import type { Hono } from 'hono';
import { activate, deleteActivation, listPolicyActivations, policyTimeline } from '../../services/activations.ts';
import type { ActivationCreateRequest } from '../../types/schemas.gen.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const instant = { type: 'string', format: 'date-time' };

export const activationRoutes = {
  list: {
    method: 'get',
    path: '/v1/policies/{policy}/activations',
    tag: 'activations',
    summary: 'List activations',
    description: 'The policy\'s live activations in the order they were made, each with its state (past, current, future) and whether it is the one deciding now. Where windows overlap, the later activation decides.',
    permission: 'read',
    responses: { 200: { description: 'The activations, oldest first', schema: 'api/activation-list.schema.json' } },
  },
  create: {
    method: 'post',
    path: '/v1/policies/{policy}/activations',
    tag: 'activations',
    summary: 'Activate a version',
    description: 'Activates a version from `from` (default now) until `until` (default open-ended). It overrides every earlier activation where they overlap, so a window lays a version over the open-ended one for its duration, and a rollback is an activation of an old version. In force on every server process within a second. A version that does not exist answers 422 with the path /version; `until` not after `from` answers 400.',
    permission: 'publish',
    body: 'api/activation-create-request.schema.json',
    responses: {
      201: {
        description: 'The activation made',
        schema: 'api/activation.schema.json',
        headers: { Location: { description: 'The activation\'s URL (for DELETE while it has not started).', schema: { type: 'string' } } },
      },
    },
  },
  delete: {
    method: 'delete',
    path: '/v1/policies/{policy}/activations/{id}',
    tag: 'activations',
    summary: 'Delete a scheduled activation',
    description: 'Deletes an activation that has not started yet. One that has started answers 409: it has been in force, so deleting it would rewrite which version decided in the past; activate another version instead (a rollback).',
    permission: 'publish',
    query: [{ name: 'reason', description: 'Why (recorded in the audit log).', schema: { type: 'string', maxLength: 1000 } }],
    responses: { 204: { description: 'Deleted' }, 409: { description: 'The activation has started: it cannot be deleted' } },
  },
  timeline: {
    method: 'get',
    path: '/v1/policies/{policy}/timeline',
    tag: 'activations',
    summary: 'Resolved timeline',
    description: 'Which version decides when, as consecutive segments resolved from the activations with the same rule as decide. With `from`/`until`, only that range (the first and last segments are cut to it).',
    permission: 'read',
    query: [
      { name: 'from', description: 'Start of the range, inclusive (ISO-8601 with a time zone). Default: since the beginning.', schema: instant },
      { name: 'until', description: 'End of the range, exclusive, after `from`. Default: open-ended.', schema: instant },
    ],
    responses: { 200: { description: 'The segments, oldest first', schema: 'api/timeline.schema.json' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerActivations(app: Hono<AppEnv>, deps: AppDeps): void {
  route(app, activationRoutes.list, async (c) => {
    const policy = c.req.param('policy')!;
    return c.json({ policy, activations: await listPolicyActivations(deps, { actor: c.get('actor'), policy }) });
  });

  route<ActivationCreateRequest>(app, activationRoutes.create, async (c, body) => {
    const policy = c.req.param('policy')!;
    const created = await activate(deps, { actor: c.get('actor'), policy, version: body.version, ...(body.from !== undefined ? { from: body.from } : {}), until: body.until ?? null, reason: body.reason });
    c.header('Location', `/v1/policies/${encodeURIComponent(policy)}/activations/${created.id}`);
    return c.json(created, 201);
  });

  route(app, activationRoutes.delete, async (c) => {
    const { reason } = readQuery<{ reason?: string }>(c, activationRoutes.delete);
    await deleteActivation(deps, { actor: c.get('actor'), policy: c.req.param('policy')!, id: c.req.param('id')!, reason: reason ?? null });
    return c.body(null, 204);
  });

  route(app, activationRoutes.timeline, async (c) => {
    const q = readQuery<{ from?: string; until?: string }>(c, activationRoutes.timeline);
    return c.json(await policyTimeline(deps, { actor: c.get('actor'), policy: c.req.param('policy')!, ...q }));
  });
}
