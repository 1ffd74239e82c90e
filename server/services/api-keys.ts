/**
 * API keys: format, hashing and the verbs to create, list and revoke them. `createKey`,
 * `listKeys` and `revokeKey` take the tenant as given (the operators' CLI, tests); the API's
 * verbs (`createTenantKey`, `listTenantKeys`, `revokeTenantKey`, `whoAmI`) take an actor and
 * work only inside the actor's tenant. A key is `pk_<prefix>_<secret>`: the 12-hex-digit
 * prefix is public and finds the row, the secret is 32 random bytes in base64url and is stored
 * only as its sha256. The full key is returned once, by create, and never again.
 *
 * Over the API a key may revoke itself (rotation: make the new key, then retire the old one
 * with it), but not the tenant's last unrevoked admin key: that would leave nobody able to
 * manage keys except an operator with the CLI.
 *
 * @example
 *   const { key, secret } = await createKey({ db }, { actor: 'cli', tenant: 'solum', role: 'decider' });
 *   secret;   // "pk_3f9a0c1b2d4e_q8Jx...": print it once
 */
import { createHash, hash as cryptoHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../decisions/ids.ts';
import { ServiceError } from '../errors.ts';
import { getKey, insertKeyStmt, listKeys as listKeyRows, revokeKeyStmt } from '../store/api-keys.ts';
import type { ApiKey, Role } from '../store/api-keys.ts';
import { auditStmt } from '../store/audit.ts';
import { changeStmt } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { getTenant } from '../store/tenants.ts';
import { ROLES, assertCan, permissionsOf } from './roles.ts';
import type { Actor, ActorRole, Permission } from './roles.ts';

const KEY_PATTERN = /^pk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function generateKey(): { prefix: string; secret: string; key: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secret, key: `pk_${prefix}_${secret}` };
}

/** Splits a presented key; null when it cannot be one of ours (answered 401 without a query). */
export function parseKey(key: string): { prefix: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** sha256 of a secret: crypto.hash where there is one (Node ≥ 20.12: one call, no Hash object), createHash otherwise. */
const sha256: (secret: string) => Buffer =
  typeof cryptoHash === 'function' ? (secret) => cryptoHash('sha256', secret, 'buffer') : (secret) => createHash('sha256').update(secret).digest();

/** Constant-time comparison of a secret with a stored hash (hex, or its bytes when the caller keeps them). */
export function secretMatches(secret: string, storedHash: string | Buffer): boolean {
  const presented = sha256(secret);
  const stored = typeof storedHash === 'string' ? Buffer.from(storedHash, 'hex') : storedHash;
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

export interface CreateKeyInput {
  /** Who creates it: a key id, or "cli". */
  actor: string;
  tenant: string;
  role: Role;
  name?: string | null;
  reason?: string | null;
}

export interface KeyDeps {
  db: Client;
  /** This process's key cache, dropped at once on revoke (other processes follow the feed). */
  auth?: { invalidateTenant(tenant: string): void };
}

export async function createKey({ db }: KeyDeps, input: CreateKeyInput): Promise<{ key: ApiKey; secret: string }> {
  if (!ROLES.includes(input.role)) throw new ServiceError('invalid_body', `role must be one of ${ROLES.join(', ')}`, [{ path: '/role', message: `must be one of ${ROLES.join(', ')}` }]);
  if (!(await getTenant(db, input.tenant))) throw new ServiceError('not_found', `tenant "${input.tenant}" not found`);
  const id = newId();
  const { prefix, secret, key } = generateKey();
  const name = input.name ?? null;
  await db.batch(
    [
      insertKeyStmt({ id, tenant: input.tenant, role: input.role, prefix, hash: hashSecret(secret), name, createdBy: input.actor }),
      auditStmt({ tenant: input.tenant, actor: input.actor, action: 'key.create', target: id, reason: input.reason ?? null, detail: { role: input.role, name, prefix } }),
    ],
    'write',
  );
  const created = await getKey(db, input.tenant, id);
  return { key: created!, secret: key };
}

export async function listKeys({ db }: KeyDeps, tenant: string): Promise<ApiKey[]> {
  return listKeyRows(db, tenant);
}

/**
 * Revokes a key of the tenant; revoking a revoked key changes nothing and returns it as is.
 * The change-feed row makes every process drop its cached copy within one poll interval.
 */
export async function revokeKey({ db, auth }: KeyDeps, input: { actor: string; tenant: string; id: string; reason?: string | null }): Promise<ApiKey> {
  await db.batch(
    [
      revokeKeyStmt(input.tenant, input.id, input.actor),
      // Both guarded by changes() = 1: only a revoke that happened leaves an audit and a feed row.
      auditStmt({ tenant: input.tenant, actor: input.actor, action: 'key.revoke', target: input.id, reason: input.reason ?? null }, { ifChanged: true }),
      changeStmt(input.tenant, 'key', null, { ifChanged: true }),
    ],
    'write',
  );
  auth?.invalidateTenant(input.tenant);
  const key = await getKey(db, input.tenant, input.id);
  if (!key) throw new ServiceError('not_found', `key "${input.id}" not found`);
  return key;
}

/** What GET /v1/me answers: the caller's tenant, role and key, and what the role may do. */
export interface WhoAmI {
  tenant: string;
  tenantName: string;
  /** The tenant's default explanation language (null: none set, English; and for the operator). */
  language: string | null;
  role: ActorRole;
  keyId: string;
  permissions: Permission[];
}

export async function whoAmI({ db }: KeyDeps, { actor }: { actor: Actor }): Promise<WhoAmI> {
  assertCan(actor, 'self');
  // The platform operator belongs to no tenant (tenant ''): there is nothing to look up.
  if (actor.role === 'operator') return { tenant: '', tenantName: 'Platform operator', language: null, role: actor.role, keyId: actor.keyId, permissions: permissionsOf(actor.role) };
  const tenant = await getTenant(db, actor.tenant);
  return { tenant: actor.tenant, tenantName: tenant?.name ?? actor.tenant, language: tenant?.language ?? null, role: actor.role, keyId: actor.keyId, permissions: permissionsOf(actor.role) };
}

/** A key of the actor's own tenant (there is no way to name another tenant). */
export async function createTenantKey(deps: KeyDeps, input: { actor: Actor; role: Role; name?: string | null; reason?: string | null }): Promise<{ key: ApiKey; secret: string }> {
  assertCan(input.actor, 'keys');
  return createKey(deps, { actor: input.actor.keyId, tenant: input.actor.tenant, role: input.role, name: input.name ?? null, reason: input.reason ?? null });
}

export async function listTenantKeys(deps: KeyDeps, { actor }: { actor: Actor }): Promise<ApiKey[]> {
  assertCan(actor, 'keys');
  return listKeyRows(deps.db, actor.tenant);
}

/**
 * Revokes a key of the actor's tenant: in force on this process at once and on every other
 * within a poll of the change feed. Revoking a revoked key answers it as it is (no new audit
 * row); another tenant's key is not found; the last unrevoked admin key is refused (409).
 */
export async function revokeTenantKey({ db, auth }: KeyDeps, input: { actor: Actor; id: string; reason?: string | null }): Promise<ApiKey> {
  const { actor, id } = input;
  assertCan(actor, 'keys');
  const [revoked] = await db.batch(
    [
      revokeKeyStmt(actor.tenant, id, actor.keyId, undefined, { keepLastAdmin: true }),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'key.revoke', target: id, reason: input.reason ?? null, detail: { self: id === actor.keyId } }, { ifChanged: true }),
      changeStmt(actor.tenant, 'key', null, { ifChanged: true }),
    ],
    'write',
  );
  auth?.invalidateTenant(actor.tenant);
  const key = await getKey(db, actor.tenant, id);
  if (!key) throw new ServiceError('not_found', `key "${id}" not found`);
  if (revoked!.rowsAffected !== 1 && key.revokedAt === null) {
    throw new ServiceError('conflict', `key "${id}" is the tenant's last admin key: create another admin key first, then revoke this one`);
  }
  return key;
}
