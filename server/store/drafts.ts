/**
 * The drafts repository: at most one editable draft per policy (the primary key is
 * (tenant, policy)), saved with optimistic concurrency. Every write that must not lose a race is
 * a single conditional statement, so the database decides who won:
 *
 *   - create: INSERT ... ON CONFLICT DO NOTHING      (0 rows: a draft already exists)
 *   - update: UPDATE ... WHERE etag = <expected>     (0 rows: stale ETag, or no draft)
 *   - delete: DELETE ... WHERE etag = <expected>     (0 rows: stale ETag, or no draft)
 *
 * Callers read `rowsAffected` of the statement in their batch and put the audit row after it
 * with `ifChanged`, so a write that lost leaves no audit row either.
 *
 * @example
 *   const [res] = await db.batch([updateDraftStmt({ ..., expected: 'old' }), auditStmt(entry, { ifChanged: true })], 'write');
 *   if (res.rowsAffected === 0) ... // stale or gone: read the draft to tell which
 */
import { randomBytes } from 'node:crypto';
import type { Client } from './client.ts';
import { iso, json, num, str } from './rows.ts';
import type { InStatement, Row } from './rows.ts';

export interface DraftSummary {
  tenant: string;
  policy: string;
  /** Opaque token that changes on every save (sent as the quoted ETag header). */
  etag: string;
  /** The newest version when the draft was started (null: the policy had none). */
  baseVersion: number | null;
  updatedAt: string;
  updatedBy: string;
}

export interface DraftRow extends DraftSummary {
  document: unknown;
}

/** A fresh ETag: 16 random bytes, URL-safe (no quote or comma can appear in it). */
export function newEtag(): string {
  return randomBytes(16).toString('base64url');
}

function toSummary(r: Row): DraftSummary {
  const base = r.base_version;
  return {
    tenant: str(r, 'tenant'),
    policy: str(r, 'policy'),
    etag: str(r, 'etag'),
    baseVersion: base === null || base === undefined ? null : num(r, 'base_version'),
    updatedAt: str(r, 'updated_at'),
    updatedBy: str(r, 'updated_by'),
  };
}

export async function getDraft(db: Client, tenant: string, policy: string): Promise<DraftRow | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM drafts WHERE tenant = ? AND policy = ?', args: [tenant, policy] });
  const r = rs.rows[0];
  return r ? { ...toSummary(r), document: json(r, 'document') } : null;
}

/** Every draft of the tenant without its document (for the policy list). */
export async function listDraftSummaries(db: Client, tenant: string): Promise<DraftSummary[]> {
  const rs = await db.execute({
    sql: 'SELECT tenant, policy, etag, base_version, updated_at, updated_by FROM drafts WHERE tenant = ? ORDER BY policy',
    args: [tenant],
  });
  return rs.rows.map(toSummary);
}

/** Creates the draft unless one exists (rowsAffected 0 then). */
export function insertDraftStmt(d: { tenant: string; policy: string; document: unknown; etag: string; baseVersion: number | null; by: string; at?: string }): InStatement {
  return {
    sql: `INSERT INTO drafts (tenant, policy, document, etag, base_version, updated_at, updated_by)
          VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, policy) DO NOTHING`,
    args: [d.tenant, d.policy, JSON.stringify(d.document), d.etag, d.baseVersion, iso(d.at), d.by],
  };
}

/** Replaces the document only if the stored ETag is still `expected` (rowsAffected 0 otherwise). */
export function updateDraftStmt(d: { tenant: string; policy: string; document: unknown; etag: string; expected: string; by: string; at?: string }): InStatement {
  return {
    sql: 'UPDATE drafts SET document = ?, etag = ?, updated_at = ?, updated_by = ? WHERE tenant = ? AND policy = ? AND etag = ?',
    args: [JSON.stringify(d.document), d.etag, iso(d.at), d.by, d.tenant, d.policy, d.expected],
  };
}

/** Deletes the draft only if its ETag is still `expected` (rowsAffected 0 otherwise). */
export function deleteDraftStmt(tenant: string, policy: string, expected: string): InStatement {
  return { sql: 'DELETE FROM drafts WHERE tenant = ? AND policy = ? AND etag = ?', args: [tenant, policy, expected] };
}
