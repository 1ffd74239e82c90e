/**
 * Authentication and authorisation middleware. `authenticate` turns `Authorization: Bearer
 * <key>` into the actor (tenant, role, key id) — the only source of the tenant for everything
 * after it; a missing, malformed, unknown or revoked key all get the same 401. `allow` checks
 * the actor's role for one permission (403), before any resource is looked up, so a 403 says
 * nothing about which resources exist.
 */
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../errors.ts';
import type { Authenticator } from '../services/authenticator.ts';
import { assertCan } from '../services/roles.ts';
import type { Permission } from '../services/roles.ts';
import type { AppEnv } from './types.ts';

const BEARER = /^Bearer +(\S+) *$/i;

export function authenticate(auth: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const presented = header ? BEARER.exec(header)?.[1] : undefined;
    if (!presented) throw new ServiceError('unauthorized', 'send an API key: Authorization: Bearer <key>');
    const actor = await auth.authenticate(presented);
    if (!actor) throw new ServiceError('unauthorized', 'the API key is not valid (unknown, malformed or revoked)');
    c.set('actor', actor);
    await next();
  };
}

export function allow(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertCan(c.get('actor'), permission);
    await next();
  };
}
