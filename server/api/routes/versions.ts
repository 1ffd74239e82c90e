/**
 * Version routes (versions are immutable; they are made by publishing a draft):
 *   GET /v1/policies/{policy}/versions                      (read)  every version, oldest first, without documents
 *   GET /v1/policies/{policy}/versions/{version}            (read)  one version with its document
 *   GET /v1/policies/{policy}/versions/{a}/diff/{b}         (read)  how b's document differs from a's
 * The behaviour diff (which decisions change) is the simulate route's.
 */
import type { Hono } from 'hono';
import { createVersions } from '../../services/versions.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const versionRoutes = {
  list: {
    method: 'get', path: '/v1/policies/{policy}/versions', tag: 'versions', summary: 'List versions', permission: 'read',
    description: 'Every version of the policy, oldest first, with its content hash and who published it when and why; and the version that decides now.',
    responses: { 200: { description: 'The versions', schema: 'api/version-list.schema.json' } },
  },
  get: {
    method: 'get', path: '/v1/policies/{policy}/versions/{version}', tag: 'versions', summary: 'Get a version', permission: 'read',
    description: 'One version with its document exactly as published. Anything that is not an existing version number of the policy answers 404.',
    responses: { 200: { description: 'The version', schema: 'api/version-detail.schema.json' } },
  },
  diff: {
    method: 'get', path: '/v1/policies/{policy}/versions/{a}/diff/{b}', tag: 'versions', summary: 'Diff two versions', permission: 'read',
    description: 'How the document of version b differs from version a: a list of changed JSON paths with the values before and after, and the jsondiffpatch delta. Rules are matched by id and tests, derived values and fixtures by name, so an inserted or reordered rule reads as such. Either order is allowed.',
    responses: { 200: { description: 'The document diff', schema: 'api/version-diff.schema.json' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerVersions(app: Hono<AppEnv>, deps: AppDeps): void {
  const versions = createVersions({ db: deps.db });

  route(app, versionRoutes.list, async (c) => c.json(await versions.list({ actor: c.get('actor'), policy: c.req.param('policy')! })));

  route(app, versionRoutes.get, async (c) =>
    c.json(await versions.get({ actor: c.get('actor'), policy: c.req.param('policy')!, version: c.req.param('version')! })),
  );

  route(app, versionRoutes.diff, async (c) =>
    c.json(await versions.diff({ actor: c.get('actor'), policy: c.req.param('policy')!, from: c.req.param('a')!, to: c.req.param('b')! })),
  );
}
