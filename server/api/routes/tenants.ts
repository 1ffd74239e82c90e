/**
 * Tenant routes, for platform operators (permission `tenants`: an operator key, never a
 * tenant's key):
 *   GET  /v1/templates   the templates a new tenant can start from, with the params to fill in
 *   POST /v1/tenants     {tenant, name, template, params?, description?, language?, activeFrom?, reason?} → 201:
 *                        the tenant with version 1 of each template policy active, its samples,
 *                        and its first admin key (the secret shown this once)
 * See server/services/tenants.ts; templates live in policies/_templates/ (docs/templates.md).
 */
import type { Hono } from 'hono';
import { createTenantFromTemplate, listTemplates } from '../../services/tenants.ts';
import type { TenantCreateRequest } from '../../types/schemas.gen.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const tenantRoutes = {
  templates: {
    method: 'get',
    path: '/v1/templates',
    tag: 'tenants',
    summary: 'List tenant templates',
    description: 'The templates of policies a new tenant can start from (policies/_templates/), each with its policies, how many sample orders it brings and every param a merchant fills in: description, unit, default, whether it is required and the JSON Schema its value must satisfy. Platform operator keys only.',
    permission: 'tenants',
    responses: { 200: { description: 'The templates', schema: 'api/template-list.schema.json' } },
  },
  create: {
    method: 'post',
    path: '/v1/tenants',
    tag: 'tenants',
    summary: 'Create a tenant from a template',
    description: 'Makes a tenant in one transaction: the tenant, version 1 of each template policy with the params filled in (checked against each param\'s schema: 400 naming /params/<name>; the documents must compile and pass their embedded tests: 422 otherwise), an activation from `activeFrom` (default now), the tenant\'s default explanation language (`language`, a BCP 47 tag: 400 naming /language otherwise), the template\'s samples, an admin key of the new tenant and the audit rows. The answer holds that key\'s secret this once. An existing tenant id answers 409. Platform operator keys only.',
    permission: 'tenants',
    body: 'api/tenant-create-request.schema.json',
    responses: { 201: { description: 'The tenant and its admin key', schema: 'api/tenant-created.schema.json' }, 409: { description: 'A tenant with this id exists' }, 422: { description: 'The template with these params does not compile or pass its tests' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerTenants(app: Hono<AppEnv>, deps: AppDeps): void {
  route(app, tenantRoutes.templates, async (c) => c.json({ templates: listTemplates({ policiesDir: deps.config.policiesDir }, { actor: c.get('actor') }) }));

  route<TenantCreateRequest>(app, tenantRoutes.create, async (c, body) => {
    const created = await createTenantFromTemplate(
      { db: deps.db, policiesDir: deps.config.policiesDir },
      {
        actor: c.get('actor'),
        tenant: body.tenant,
        name: body.name,
        template: body.template,
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.params !== undefined ? { params: body.params as Record<string, unknown> } : {}),
        ...(body.language !== undefined ? { language: body.language } : {}),
        ...(body.activeFrom !== undefined ? { activeFrom: body.activeFrom } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      },
    );
    return c.json(created, 201);
  });
}
