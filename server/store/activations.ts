/**
 * The activations repository: which version decides when. Rows are kept in `seq` order and a
 * later row overrides earlier ones where their windows overlap, exactly as the engine's
 * activeVersionAt (server/engine/activations.ts) reads them. Deleting marks `deleted_at`, so
 * what was in force at any past instant can still be explained.
 */
import type { Activation } from '../engine/index.ts';
import type { Client } from './client.ts';
import { iso, isoOrNull, num, str, strOrNull } from './rows.ts';
import type { InStatement, Row } from './rows.ts';

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
  return rs.rows.map(toActivation);
}

/** One live activation of the tenant's policy, or null (missing, deleted, another policy's or another tenant's). */
export async function getActivation(db: Client, tenant: string, policy: string, seq: number): Promise<ActivationRow | null> {
  const rs = await db.execute({
    sql: 'SELECT * FROM activations WHERE tenant = ? AND policy = ? AND seq = ? AND deleted_at IS NULL',
    args: [tenant, policy, seq],
  });
  return rs.rows[0] ? toActivation(rs.rows[0]) : null;
}

/**
 * Marks one live activation deleted (changes one row, or none if it is missing or foreign).
 * With `notStartedAt`, only if it starts strictly after that instant: the check and the change
 * are one statement, so an activation that starts while the request is in flight is kept.
 */
export function deleteActivationStmt(tenant: string, policy: string, seq: number, by: string, options: { at?: string; notStartedAt?: string } = {}): InStatement {
  const guard = options.notStartedAt === undefined ? '' : ' AND active_from IS NOT NULL AND active_from > ?';
  return {
    sql: `UPDATE activations SET deleted_at = ?, deleted_by = ? WHERE tenant = ? AND policy = ? AND seq = ? AND deleted_at IS NULL${guard}`,
    args: [iso(options.at), by, tenant, policy, seq, ...(options.notStartedAt === undefined ? [] : [iso(options.notStartedAt)])],
  };
}

function toActivation(r: Row): ActivationRow {
  return {
    seq: num(r, 'seq'),
    tenant: str(r, 'tenant'),
    policy: str(r, 'policy'),
    version: num(r, 'version'),
    from: strOrNull(r, 'active_from'),
    until: strOrNull(r, 'active_until'),
    reason: strOrNull(r, 'reason'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
  };
}
