/**
 * The platform-operator keys repository (migration 004). Operator keys belong to no tenant,
 * so this table has no tenant column and none of its rows is any tenant's data; only the hash
 * of a key's secret is stored, found by the key's public prefix.
 */
import type { Client } from './client.ts';
import { iso, str, strOrNull } from './rows.ts';
import type { InStatement, Row } from './rows.ts';

export interface OperatorKey {
  id: string;
  prefix: string;
  name: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface OperatorCredential extends OperatorKey {
  hash: string;
}

function toKey(r: Row): OperatorCredential {
  return {
    id: str(r, 'id'),
    prefix: str(r, 'prefix'),
    hash: str(r, 'hash'),
    name: strOrNull(r, 'name'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
    revokedAt: strOrNull(r, 'revoked_at'),
  };
}

export function insertOperatorKeyStmt(k: { id: string; prefix: string; hash: string; name: string | null; createdBy: string; at?: string }): InStatement {
  return {
    sql: 'INSERT INTO operator_keys (id, prefix, hash, name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    args: [k.id, k.prefix, k.hash, k.name, iso(k.at), k.createdBy],
  };
}

export async function findOperatorKeyByPrefix(db: Client, prefix: string): Promise<OperatorCredential | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM operator_keys WHERE prefix = ?', args: [prefix] });
  return rs.rows[0] ? toKey(rs.rows[0]) : null;
}

export async function listOperatorKeys(db: Client): Promise<OperatorKey[]> {
  const rs = await db.execute('SELECT * FROM operator_keys ORDER BY created_at, id');
  return rs.rows.map((r) => {
    const { hash: _hash, ...key } = toKey(r);
    return key;
  });
}

export async function getOperatorKey(db: Client, id: string): Promise<OperatorKey | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM operator_keys WHERE id = ?', args: [id] });
  if (!rs.rows[0]) return null;
  const { hash: _hash, ...key } = toKey(rs.rows[0]);
  return key;
}

/** Revokes an operator key (no-op when it is revoked already). */
export function revokeOperatorKeyStmt(id: string, by: string, at?: string): InStatement {
  return { sql: 'UPDATE operator_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', args: [iso(at), by, id] };
}
