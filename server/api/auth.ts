/**
 * Authentication middleware. `authenticate` turns `Authorization: Bearer <key>` into the actor
 * (tenant, role, key id) — the only source of the tenant for everything after it; a missing,
 * malformed, unknown or revoked key all get the same 401 (or 429 once the client's address has
 * had too many of them, RATE_LIMIT_ANON_*), and a valid key past its own rate 429
 * (RATE_LIMIT_PER_SECOND). The role is checked by `route()` (route-spec.ts) for the route's one
 * permission (403), before the body is read or any resource looked up, so a 403 says nothing
 * about which resources exist.
 */
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../errors.ts';
import type { Authenticator } from '../services/authenticator.ts';
import { clientAddress } from './rate-limit.ts';
import type { RateLimits } from './rate-limit.ts';
import type { AppEnv } from './types.ts';

const BEARER = /^Bearer +(\S+) *$/i;

export function authenticate(auth: Authenticator, limits?: RateLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const presented = header ? BEARER.exec(header)?.[1] : undefined;
    // Rate limits (rate-limit.ts): an address whose requests keep failing here is refused
    // without a database lookup; a valid key is limited on its own.
    const address = limits ? clientAddress(c) : '';
    const flooded = limits?.address.empty(address) ?? false;
    const actor = presented ? await auth.authenticate(presented, { cachedOnly: flooded }) : null;
    if (!actor) {
      const wait = limits?.address.take(address) ?? 0;
      if (wait > 0) throw limits!.refuse('address', wait);
      throw new ServiceError('unauthorized', presented ? 'the API key is not valid (unknown, malformed or revoked)' : 'send an API key: Authorization: Bearer <key>');
    }
    const wait = limits?.key.take(actor.keyId) ?? 0;
    if (wait > 0) throw limits!.refuse('key', wait);
    c.set('actor', actor);
    await next();
  };
}

