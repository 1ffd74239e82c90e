/**
 * Who may do what. A key has one role; routes ask for a permission, never for a role, so a new
 * resource states what it needs and the role table below stays the one place that grants it.
 *
 *   admin    everything, including keys
 *   editor   read, decide (to try policies out), edit drafts/samples, publish, activate, simulate
 *   decider  decide only (checkout systems)
 *   viewer   read only. Viewers may NOT decide: a decision writes to the decision log and is
 *            what checkout systems act on, so it is an act, not a read; staff who only look
 *            replay logged decisions or ask an editor.
 *
 * `self` (every role): see who the key is (GET /v1/me), so a client can show the tenant and
 * role and hide what the role may not do. It is a permission, not a public route: it needs a key.
 */
import { ServiceError } from '../errors.ts';
import type { Role } from '../store/api-keys.ts';

export type { Role } from '../store/api-keys.ts';
export { ROLES } from '../store/api-keys.ts';

export type Permission = 'decide' | 'read' | 'write' | 'publish' | 'keys' | 'self';

const GRANTS: { [R in Role]: ReadonlySet<Permission> } = {
  admin: new Set(['decide', 'read', 'write', 'publish', 'keys', 'self']),
  editor: new Set(['decide', 'read', 'write', 'publish', 'self']),
  decider: new Set(['decide', 'self']),
  viewer: new Set(['read', 'self']),
};

/** The authenticated caller of a service verb: everything comes from the key, nothing from the request. */
export interface Actor {
  tenant: string;
  role: Role;
  /** The key's id: the actor of audit rows, never the key itself. */
  keyId: string;
}

/** What the role may do, in a fixed order (for GET /v1/me). */
export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** Throws 403 unless the actor's role grants the permission. */
export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    throw new ServiceError('forbidden', `a ${actor.role} key may not ${permission === 'keys' ? 'manage keys' : permission}`);
  }
}
