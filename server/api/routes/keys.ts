/**
 * API key routes (permission `keys`: admin only), always inside the caller's tenant.
 *   POST   /v1/keys       {role, name?, reason?} → 201 {key, secret}: the secret is shown this once
 *   GET    /v1/keys       every key of the tenant, revoked ones included; never a secret or hash
 *   DELETE /v1/keys/{id}  revoke: refused by this process at once and by every other within a second
 * A key may revoke itself (rotation); the tenant's last unrevoked admin key may not be revoked (409).
 */
import type { Hono } from 'hono';
import { createTenantKey, listTenantKeys, revokeTenantKey } from '../../services/api-keys.ts';
import type { ApiKey } from '../../store/api-keys.ts';
import type { ApiKeyCreateRequest } from '../../types/schemas.gen.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

export const keyRoutes = {
  create: {
    method: 'post',
    path: '/v1/keys',
    tag: 'keys',
    summary: 'Create a key',
    description: 'Makes a key of the caller\'s own tenant with the given role. The answer holds the secret (the whole key) this once: only its hash is stored.',
    permission: 'keys',
    body: 'api/api-key-create-request.schema.json',
    responses: { 201: { description: 'The key and its secret', schema: 'api/api-key-created.schema.json' } },
  },
  list: {
    method: 'get',
    path: '/v1/keys',
    tag: 'keys',
    summary: 'List keys',
    description: 'Every key of the tenant, oldest first, revoked ones included: prefix, role, name, who made it when, when it was last used (to the minute, written in the background) and when it was revoked. Never a secret.',
    permission: 'keys',
    responses: { 200: { description: 'The keys', schema: 'api/api-key-list.schema.json' } },
  },
  revoke: {
    method: 'delete',
    path: '/v1/keys/{id}',
    tag: 'keys',
    summary: 'Revoke a key',
    description: 'Revokes a key: this process refuses it from the answer on, every other process on the database within a second (CHANGE_POLL_MS). Revoking a revoked key answers it unchanged. A key may revoke itself (rotate: make the new key, then revoke the old one with it); the tenant\'s last unrevoked admin key cannot be revoked (409), so the tenant is never locked out of key management.',
    permission: 'keys',
    query: [{ name: 'reason', description: 'Why (recorded in the audit log).', schema: { type: 'string', maxLength: 1000 } }],
    responses: { 200: { description: 'The key, revoked', schema: 'api/api-key.schema.json' }, 409: { description: 'It is the tenant\'s last admin key' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerKeys(app: Hono<AppEnv>, deps: AppDeps): void {
  route<ApiKeyCreateRequest>(app, keyRoutes.create, async (c, body) => {
    const { key, secret } = await createTenantKey(deps, { actor: c.get('actor'), role: body.role, name: body.name ?? null, reason: body.reason ?? null });
    return c.json({ key: publicKey(key), secret }, 201);
  });

  route(app, keyRoutes.list, async (c) => c.json({ keys: (await listTenantKeys(deps, { actor: c.get('actor') })).map(publicKey) }));

  route(app, keyRoutes.revoke, async (c) => {
    const { reason } = readQuery<{ reason?: string }>(c, keyRoutes.revoke);
    return c.json(publicKey(await revokeTenantKey(deps, { actor: c.get('actor'), id: c.req.param('id')!, reason: reason ?? null })));
  });
}

/** The listed form: the tenant is the caller's own, so it is left out. */
function publicKey({ tenant: _tenant, ...key }: ApiKey): Omit<ApiKey, 'tenant'> {
  return key;
}
