/**
 * The policies repository: a policy (tenant, key) and its immutable, numbered versions.
 * Versions are only inserted, never updated; a version's content hash is the sha256 of its
 * canonical JSON (content-hash.ts).
 */
import type { Client } from './client.ts';
import { iso, json, num, str, strOrNull } from './rows.ts';
import type { InStatement, Row } from './rows.ts';

export interface Policy {
  tenant: string;
  key: string;
  title: string;
  createdAt: string;
  createdBy: string;
}

export interface VersionSummary {
  tenant: string;
  policy: string;
  version: number;
  contentHash: string;
  note: string | null;
  reason: string | null;
  createdAt: string;
  createdBy: string;
}

export interface PolicyVersion extends VersionSummary {
  document: unknown;
}

export function insertPolicyStmt(p: { tenant: string; key: string; title: string; createdBy: string; at?: string }): InStatement {
  return {
    sql: 'INSERT INTO policies (tenant, key, title, created_at, created_by) VALUES (?, ?, ?, ?, ?)',
    args: [p.tenant, p.key, p.title, iso(p.at), p.createdBy],
  };
}

export function insertVersionStmt(v: {
  tenant: string; policy: string; version: number; contentHash: string; document: unknown;
  note?: string | null; reason?: string | null; createdBy: string; at?: string;
}): InStatement {
  return {
    sql: `INSERT INTO policy_versions (tenant, policy, version, content_hash, document, note, reason, created_at, created_by)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [v.tenant, v.policy, v.version, v.contentHash, JSON.stringify(v.document), v.note ?? null, v.reason ?? null, iso(v.at), v.createdBy],
  };
}

/**
 * Publishes a draft as version `version`: a compare-and-swap on the draft. The version number
 * is only filled in while the draft still has the ETag that was checked (and so the document
 * that was compiled and tested); otherwise it is NULL, the NOT NULL constraint fails, and the
 * whole batch (activation, audit, change feed) rolls back. A concurrent publish that took the
 * same number fails on the primary key instead. Either way nothing half-published remains.
 */
export function insertVersionFromDraftStmt(v: {
  tenant: string; policy: string; version: number; etag: string; contentHash: string; document: unknown;
  note?: string | null; reason?: string | null; createdBy: string; at?: string;
}): InStatement {
  return {
    sql: `INSERT INTO policy_versions (tenant, policy, version, content_hash, document, note, reason, created_at, created_by)
          VALUES (?, ?, (SELECT ? FROM drafts WHERE tenant = ? AND policy = ? AND etag = ?), ?, ?, ?, ?, ?, ?)`,
    args: [v.tenant, v.policy, v.version, v.tenant, v.policy, v.etag, v.contentHash, JSON.stringify(v.document), v.note ?? null, v.reason ?? null, iso(v.at), v.createdBy],
  };
}

/** Sets the policy's title to its newest version's (publishing may have changed it). */
export function refreshTitleStmt(tenant: string, policy: string): InStatement {
  return {
    sql: `UPDATE policies SET title = COALESCE((SELECT json_extract(document, '$.title') FROM policy_versions
            WHERE tenant = ? AND policy = ? ORDER BY version DESC LIMIT 1), title)
          WHERE tenant = ? AND key = ?`,
    args: [tenant, policy, tenant, policy],
  };
}

function toPolicy(r: Row): Policy {
  return { tenant: str(r, 'tenant'), key: str(r, 'key'), title: str(r, 'title'), createdAt: str(r, 'created_at'), createdBy: str(r, 'created_by') };
}

function toSummary(r: Row): VersionSummary {
  return {
    tenant: str(r, 'tenant'),
    policy: str(r, 'policy'),
    version: num(r, 'version'),
    contentHash: str(r, 'content_hash'),
    note: strOrNull(r, 'note'),
    reason: strOrNull(r, 'reason'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
  };
}

export async function getPolicy(db: Client, tenant: string, key: string): Promise<Policy | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM policies WHERE tenant = ? AND key = ?', args: [tenant, key] });
  return rs.rows[0] ? toPolicy(rs.rows[0]) : null;
}

export async function listPolicies(db: Client, tenant: string): Promise<Policy[]> {
  const rs = await db.execute({ sql: 'SELECT * FROM policies WHERE tenant = ? ORDER BY key', args: [tenant] });
  return rs.rows.map(toPolicy);
}

/** Versions without their documents, oldest first. */
export async function listVersions(db: Client, tenant: string, policy: string): Promise<VersionSummary[]> {
  const rs = await db.execute({
    sql: `SELECT tenant, policy, version, content_hash, note, reason, created_at, created_by
          FROM policy_versions WHERE tenant = ? AND policy = ? ORDER BY version`,
    args: [tenant, policy],
  });
  return rs.rows.map(toSummary);
}

export async function getVersion(db: Client, tenant: string, policy: string, version: number): Promise<PolicyVersion | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM policy_versions WHERE tenant = ? AND policy = ? AND version = ?', args: [tenant, policy, version] });
  const r = rs.rows[0];
  return r ? { ...toSummary(r), document: json(r, 'document') } : null;
}

/**
 * A version's document without its embedded tests and fixtures (about 45% of a seed document),
 * which deciding never reads: SQLite leaves them out, so they are neither sent nor parsed.
 * Everything else is the stored JSON text unchanged.
 */
export async function getVersionForDeciding(db: Client, tenant: string, policy: string, version: number): Promise<unknown | null> {
  const rs = await db.execute({ sql: "SELECT json_remove(document, '$.tests', '$.fixtures') AS document FROM policy_versions WHERE tenant = ? AND policy = ? AND version = ?", args: [tenant, policy, version] });
  return rs.rows[0] ? json(rs.rows[0], 'document') : null;
}

/** The content hash of a version (without reading its document), or null when there is no such version. */
export async function getVersionHash(db: Client, tenant: string, policy: string, version: number): Promise<string | null> {
  const rs = await db.execute({ sql: 'SELECT content_hash FROM policy_versions WHERE tenant = ? AND policy = ? AND version = ?', args: [tenant, policy, version] });
  return rs.rows[0] ? str(rs.rows[0], 'content_hash') : null;
}

/** Every version of every policy of the tenant, without documents (for the policy list). */
export async function listTenantVersions(db: Client, tenant: string): Promise<VersionSummary[]> {
  const rs = await db.execute({
    sql: `SELECT tenant, policy, version, content_hash, note, reason, created_at, created_by
          FROM policy_versions WHERE tenant = ? ORDER BY policy, version`,
    args: [tenant],
  });
  return rs.rows.map(toSummary);
}

/** The newest version number, or null when the policy has none yet. */
export async function latestVersionNumber(db: Client, tenant: string, policy: string): Promise<number | null> {
  const rs = await db.execute({ sql: 'SELECT MAX(version) AS v FROM policy_versions WHERE tenant = ? AND policy = ?', args: [tenant, policy] });
  const v = rs.rows[0]?.v;
  return v === null || v === undefined ? null : Number(v);
}

/** The version whose document has this content hash (a publish of an unchanged document), if any. */
export async function versionWithHash(db: Client, tenant: string, policy: string, hash: string): Promise<number | null> {
  const rs = await db.execute({
    sql: 'SELECT version FROM policy_versions WHERE tenant = ? AND policy = ? AND content_hash = ? ORDER BY version LIMIT 1',
    args: [tenant, policy, hash],
  });
  return rs.rows[0] ? num(rs.rows[0], 'version') : null;
}
