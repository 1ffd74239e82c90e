/**
 * "Who am I" (GET /v1/me): the tenant, role and key id of the presented key, and what the role
 * may do. Every role may ask (permission `self`); the editor calls it right after sign-in to
 * show the tenant and role and to hide the actions the role would get a 403 for.
 */
import type { Hono } from 'hono';
import { whoAmI } from '../../services/api-keys.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const meRoutes = {
  get: {
    method: 'get',
    path: '/v1/me',
    tag: 'keys',
    summary: 'Who am I',
    description: 'The tenant, role and key id of the API key sent, and the permissions of its role. Any valid key may ask; the answer says nothing about other keys or tenants.',
    permission: 'self',
    responses: { 200: { description: 'The caller', schema: 'api/who-am-i.schema.json' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerMe(app: Hono<AppEnv>, deps: AppDeps): void {
  route(app, meRoutes.get, async (c) => c.json(await whoAmI(deps, { actor: c.get('actor') })));
}
