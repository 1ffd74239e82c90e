/**
 * The audit log repository: every change to a tenant's data writes one row here in the same
 * batch as the change itself (never in a second transaction that could be lost).
 *
 * `ifChanged` makes the row conditional on the statement just before it in the batch having
 * changed exactly one row (SQLite's changes()), so a revoke of an already revoked key or a
 * delete that lost a race leaves no audit row, without a read-then-write race.
 *
 * @example
 *   await db.batch([revokeKeyStmt(...), auditStmt({ tenant, actor, action: 'key.revoke', target: id }, { ifChanged: true })], 'write');
 */
import { newId } from '../decisions/ids.ts';
import type { Client } from './client.ts';
import { iso, jsonOrNull, str, strOrNull } from './rows.ts';
import type { InStatement } from './rows.ts';

export interface AuditEntry {
  tenant: string;
  /** A key id, "seed" or "cli". */
  actor: string;
  /** Dotted verb, e.g. "policy.publish", "activation.create", "key.revoke". */
  action: string;
  /** What changed, e.g. "returns@2", "returns/activations/7", a key id. */
  target: string;
  reason?: string | null;
  detail?: unknown;
  at?: string;
}

export interface AuditRow extends Required<Omit<AuditEntry, 'reason' | 'detail'>> {
  id: string;
  reason: string | null;
  detail: unknown;
}

export function auditStmt(entry: AuditEntry, options: { ifChanged?: boolean } = {}): InStatement {
  const args = [newId(), entry.tenant, entry.actor, entry.action, entry.target, entry.reason ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail), iso(entry.at)];
  const columns = 'INSERT INTO audit_log (id, tenant, actor, action, target, reason, detail, at)';
  return options.ifChanged
    ? { sql: `${columns} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1`, args }
    : { sql: `${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, args };
}

/** The tenant's audit rows, newest first. */
export async function listAudit(db: Client, tenant: string, options: { limit?: number; action?: string } = {}): Promise<AuditRow[]> {
  const where = ['tenant = ?'];
  const params: Array<string | number> = [tenant];
  if (options.action !== undefined) { where.push('action = ?'); params.push(options.action); }
  const rs = await db.execute({
    sql: `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
    args: [...params, options.limit ?? 100],
  });
  return rs.rows.map((r) => ({
    id: str(r, 'id'),
    tenant: str(r, 'tenant'),
    actor: str(r, 'actor'),
    action: str(r, 'action'),
    target: str(r, 'target'),
    reason: strOrNull(r, 'reason'),
    detail: jsonOrNull(r, 'detail'),
    at: str(r, 'at'),
  }));
}
