/**
 * The activations repository: which version decides when. Rows are kept in `seq` order and a
 * later row overrides earlier ones where their windows overlap, exactly as the engine's
 * activeVersionAt (server/engine/activations.ts) reads them. Deleting marks `deleted_at`, so
 * what was in force at any past instant can still be explained.
 */
import type { Activation } from '../engine/index.ts';
import type { Client } from './client.ts';
import { iso, isoOrNull, num, str, strOrNull } from './rows.ts';
import type { InStatement } from './rows.ts';

export interface ActivationRow extends Activation {
  seq: number;
  tenant: string;
  policy: string;
  from: string | null;
  until: string | null;
  reason: string | null;
  createdAt: string;
  createdBy: string;
}

export function insertActivationStmt(a: {
  tenant: string; policy: string; version: number; from: string | null; until?: string | null;
  reason?: string | null; createdBy: string; at?: string;
}): InStatement {
  return {
    sql: `INSERT INTO activations (tenant, policy, version, active_from, active_until, reason, created_at, created_by)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [a.tenant, a.policy, a.version, isoOrNull(a.from), isoOrNull(a.until), a.reason ?? null, iso(a.at), a.createdBy],
  };
}

/** Live activations of a policy in the order they were made (the engine's input). */
export async function listActivations(db: Client, tenant: string, policy: string): Promise<ActivationRow[]> {
  const rs = await db.execute({
    sql: 'SELECT * FROM activations WHERE tenant = ? AND policy = ? AND deleted_at IS NULL ORDER BY seq',
    args: [tenant, policy],
  });
  return rs.rows.map((r) => ({
    seq: num(r, 'seq'),
    tenant: str(r, 'tenant'),
    policy: str(r, 'policy'),
    version: num(r, 'version'),
    from: strOrNull(r, 'active_from'),
    until: strOrNull(r, 'active_until'),
    reason: strOrNull(r, 'reason'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
  }));
}

/** Marks one live activation deleted (changes one row, or none if it is missing or foreign). */
export function deleteActivationStmt(tenant: string, policy: string, seq: number, by: string, at?: string): InStatement {
  return {
    sql: 'UPDATE activations SET deleted_at = ?, deleted_by = ? WHERE tenant = ? AND policy = ? AND seq = ? AND deleted_at IS NULL',
    args: [iso(at), by, tenant, policy, seq],
  };
}
