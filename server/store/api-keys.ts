/**
 * The API keys repository. Only the sha256 hash of a key's secret is stored; the public
 * `prefix` finds the row in O(1) at authentication time. `findKeyByPrefix` is the one query
 * not filtered by tenant: it runs before the tenant is known, and the tenant it returns is
 * the only source of the request's tenant.
 */
import type { Client } from './client.ts';
import { iso, str, strOrNull } from './rows.ts';
import type { InStatement, Row } from './rows.ts';

export const ROLES = ['admin', 'editor', 'decider', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** A key as listed: never the hash or the secret. */
export interface ApiKey {
  id: string;
  tenant: string;
  role: Role;
  prefix: string;
  name: string | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface KeyCredential extends ApiKey {
  /** Hex sha256 of the secret. */
  hash: string;
}

function toKey(r: Row): KeyCredential {
  return {
    id: str(r, 'id'),
    tenant: str(r, 'tenant'),
    role: str(r, 'role') as Role,
    prefix: str(r, 'prefix'),
    hash: str(r, 'hash'),
    name: strOrNull(r, 'name'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
    lastUsedAt: strOrNull(r, 'last_used_at'),
    revokedAt: strOrNull(r, 'revoked_at'),
  };
}

function withoutHash({ hash: _hash, ...key }: KeyCredential): ApiKey {
  return key;
}

export function insertKeyStmt(k: { id: string; tenant: string; role: Role; prefix: string; hash: string; name: string | null; createdBy: string; at?: string }): InStatement {
  return {
    sql: 'INSERT INTO api_keys (id, tenant, role, prefix, hash, name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    args: [k.id, k.tenant, k.role, k.prefix, k.hash, k.name, iso(k.at), k.createdBy],
  };
}

export async function findKeyByPrefix(db: Client, prefix: string): Promise<KeyCredential | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM api_keys WHERE prefix = ?', args: [prefix] });
  return rs.rows[0] ? toKey(rs.rows[0]) : null;
}

/** The tenant of a key id: for the operators' CLI only (`keys revoke <id>`), never for a request. */
export async function findKeyTenant(db: Client, id: string): Promise<string | null> {
  const rs = await db.execute({ sql: 'SELECT tenant FROM api_keys WHERE id = ?', args: [id] });
  return rs.rows[0] ? str(rs.rows[0], 'tenant') : null;
}

export async function getKey(db: Client, tenant: string, id: string): Promise<ApiKey | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM api_keys WHERE tenant = ? AND id = ?', args: [tenant, id] });
  return rs.rows[0] ? withoutHash(toKey(rs.rows[0])) : null;
}

export async function listKeys(db: Client, tenant: string): Promise<ApiKey[]> {
  const rs = await db.execute({ sql: 'SELECT * FROM api_keys WHERE tenant = ? ORDER BY created_at, id', args: [tenant] });
  return rs.rows.map((r) => withoutHash(toKey(r)));
}

/**
 * Changes one row only if the key exists in this tenant and is not revoked yet. With
 * `keepLastAdmin`, also only if it is not the tenant's last unrevoked admin key: checked in
 * the same statement, so two admins revoking each other at once cannot both succeed.
 */
export function revokeKeyStmt(tenant: string, id: string, by: string, at?: string, options: { keepLastAdmin?: boolean } = {}): InStatement {
  const guard = options.keepLastAdmin
    ? " AND (role <> 'admin' OR (SELECT COUNT(*) FROM api_keys WHERE tenant = ? AND role = 'admin' AND revoked_at IS NULL) > 1)"
    : '';
  return {
    sql: `UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL${guard}`,
    args: [iso(at), by, tenant, id, ...(options.keepLastAdmin ? [tenant] : [])],
  };
}

/** `last_used_at` for many keys at once (written in the background, not per request). */
export function touchKeyStmts(used: ReadonlyMap<string, { tenant: string; at: string }>): InStatement[] {
  return [...used].map(([id, u]) => ({
    sql: 'UPDATE api_keys SET last_used_at = ? WHERE tenant = ? AND id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
    args: [u.at, u.tenant, id, u.at],
  }));
}
