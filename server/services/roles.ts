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
 *
 *   operator a platform operator's key (`keys create --operator`, or OPERATOR_KEY): belongs to
 *            no tenant and may only create tenants and list their templates (`tenants`), and
 *            see itself. It reads and changes no tenant's data; a new tenant's own admin key,
 *            shown once at creation, does that.
 */
import { ServiceError } from '../errors.ts';
import type { Role } from '../store/api-keys.ts';

export type { Role } from '../store/api-keys.ts';
export { ROLES } from '../store/api-keys.ts';
import { ROLES } from '../store/api-keys.ts';

export type Permission = 'decide' | 'read' | 'write' | 'publish' | 'keys' | 'self' | 'tenants';

/** A tenant key's role, or the platform operator (no tenant). */
export type ActorRole = Role | 'operator';
export const OPERATOR = 'operator' as const;
/** Every role a key can have, the operator last. */
export const ACTOR_ROLES: readonly ActorRole[] = [...ROLES, OPERATOR];

const GRANTS: { [R in ActorRole]: ReadonlySet<Permission> } = {
  admin: new Set(['decide', 'read', 'write', 'publish', 'keys', 'self']),
  editor: new Set(['decide', 'read', 'write', 'publish', 'self']),
  decider: new Set(['decide', 'self']),
  viewer: new Set(['read', 'self']),
  operator: new Set(['tenants', 'self']),
};

/** The authenticated caller of a service verb: everything comes from the key, nothing from the request. */
export interface Actor {
  /** The key's tenant; '' for the platform operator, whose only permissions name no tenant. */
  tenant: string;
  role: ActorRole;
  /** The key's id: the actor of audit rows, never the key itself. */
  keyId: string;
}

/** What the role may do, in a fixed order (for GET /v1/me). */
export function permissionsOf(role: ActorRole): Permission[] {
  return [...GRANTS[role]];
}

export function can(role: ActorRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** Throws 403 unless the actor's role grants the permission. */
export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    const what = permission === 'keys' ? 'manage keys' : permission === 'tenants' ? 'create tenants (a platform operator key may)' : permission;
    throw new ServiceError('forbidden', `${/^[aeiou]/.test(actor.role) ? 'an' : 'a'} ${actor.role} key may not ${what}`);
  }
}
