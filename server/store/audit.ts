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
import { iso, jsonOrNull, num, str, strOrNull } from './rows.ts';
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

export function auditStmt(entry: AuditEntry, options: { ifChanged?: boolean; detailLastRowIdAs?: string } = {}): InStatement {
  const args = [newId(), entry.tenant, entry.actor, entry.action, entry.target, entry.reason ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail), iso(entry.at)];
  const columns = 'INSERT INTO audit_log (id, tenant, actor, action, target, reason, detail, at)';
  // `detailLastRowIdAs` records the id the previous INSERT of the batch just made (e.g. an
  // activation's seq), which the caller cannot know when it builds the batch.
  if (options.detailLastRowIdAs !== undefined) {
    const detail = `json_set(COALESCE(?, '{}'), '$.${options.detailLastRowIdAs.replace(/[^A-Za-z0-9_]/g, '')}', last_insert_rowid())`;
    return { sql: `${columns} VALUES (?, ?, ?, ?, ?, ?, ${detail}, ?)`, args };
  }
  return options.ifChanged
    ? { sql: `${columns} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1`, args }
    : { sql: `${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, args };
}

/** The tenant's audit rows, newest first. */
export async function listAudit(db: Client, tenant: string, options: { limit?: number; action?: string } = {}): Promise<AuditRow[]> {
  return (await queryAudit(db, tenant, { limit: options.limit ?? 100, ...(options.action !== undefined ? { action: options.action } : {}) })).map(({ role: _role, seq: _seq, ...row }) => row);
}

export interface AuditQuery {
  /** An exact action ("key.revoke"), or a family ending in ".*" ("activation.*"). */
  action?: string;
  target?: string;
  actor?: string;
  /** Inclusive lower bound of `at` (stored ISO form). */
  since?: string;
  /** Exclusive upper bound of `at`. */
  until?: string;
  /** Continue strictly after this row of the newest-first order (its `at` and `seq`). */
  after?: { at: string; seq: number };
  limit: number;
}

/** An audit row with the role of the key that acted (null for "seed", "cli" and other non-key actors). */
export interface AuditRowWithRole extends AuditRow {
  role: string | null;
  /** Its place in the order rows were written (SQLite's rowid): breaks ties of `at`. */
  seq: number;
}

/**
 * The tenant's audit rows matching every given filter, newest first, at most `limit`. Rows
 * of the same millisecond keep the order they were written in (rowid; ids are ULIDs, random
 * within a millisecond). Keyset paging: `after` is the last row of the previous page, so rows
 * written meanwhile never shift a page. The role comes from the key row (a key's role never
 * changes).
 */
export async function queryAudit(db: Client, tenant: string, q: AuditQuery): Promise<AuditRowWithRole[]> {
  const where = ['a.tenant = ?'];
  const args: Array<string | number> = [tenant];
  if (q.action !== undefined) {
    if (q.action.endsWith('.*')) {
      const prefix = q.action.slice(0, -1);
      where.push('substr(a.action, 1, ?) = ?');
      args.push(prefix.length, prefix);
    } else {
      where.push('a.action = ?');
      args.push(q.action);
    }
  }
  if (q.target !== undefined) { where.push('a.target = ?'); args.push(q.target); }
  if (q.actor !== undefined) { where.push('a.actor = ?'); args.push(q.actor); }
  if (q.since !== undefined) { where.push('a.at >= ?'); args.push(q.since); }
  if (q.until !== undefined) { where.push('a.at < ?'); args.push(q.until); }
  if (q.after) { where.push('(a.at < ? OR (a.at = ? AND a.rowid < ?))'); args.push(q.after.at, q.after.at, q.after.seq); }
  const rs = await db.execute({
    sql: `SELECT a.rowid AS seq, a.*, k.role AS key_role FROM audit_log a LEFT JOIN api_keys k ON k.id = a.actor AND k.tenant = a.tenant
          WHERE ${where.join(' AND ')} ORDER BY a.at DESC, a.rowid DESC LIMIT ?`,
    args: [...args, q.limit],
  });
  return rs.rows.map((r) => ({
    id: str(r, 'id'),
    seq: num(r, 'seq'),
    tenant: str(r, 'tenant'),
    actor: str(r, 'actor'),
    role: strOrNull(r, 'key_role'),
    action: str(r, 'action'),
    target: str(r, 'target'),
    reason: strOrNull(r, 'reason'),
    detail: jsonOrNull(r, 'detail'),
    at: str(r, 'at'),
  }));
}
