/**
 * The samples repository: a tenant's named order scenarios (schemas/sample.schema.json). The
 * policies a sample serves are the keys of its document's `requests`, read with SQLite's JSON
 * functions so a list filtered by policy needs no documents in memory.
 */
import type { Client } from './client.ts';
import { iso, json, str } from './rows.ts';
import type { InStatement } from './rows.ts';

export interface Sample {
  tenant: string;
  name: string;
  description: string;
  /** The instant every request of the sample is decided at. */
  at: string;
  /** The whole sample document: {name, description, at, order, requests}. */
  document: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
}

type NewSample = { tenant: string; name: string; description: string; at: string; document: unknown; createdBy: string; createdAt?: string };

export function insertSampleStmt(s: NewSample): InStatement {
  return insertSample(s);
}

function insertSample(s: NewSample): { sql: string; args: Array<string | null> } {
  return {
    sql: 'INSERT INTO samples (tenant, name, description, at, document, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: [s.tenant, s.name, s.description, iso(s.at), JSON.stringify(s.document), iso(s.createdAt), s.createdBy],
  };
}

export async function listSamples(db: Client, tenant: string): Promise<Sample[]> {
  const rs = await db.execute({ sql: 'SELECT * FROM samples WHERE tenant = ? ORDER BY name', args: [tenant] });
  return rs.rows.map((r) => ({
    tenant: str(r, 'tenant'),
    name: str(r, 'name'),
    description: str(r, 'description'),
    at: str(r, 'at'),
    document: json<Record<string, unknown>>(r, 'document'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
  }));
}

/**
 * Inserts the sample unless the tenant already has one of that name (the batch result's
 * rowsAffected is then 0: a duplicate, without relying on a constraint error's code).
 */
export function insertSampleIfNewStmt(s: NewSample): InStatement {
  const stmt = insertSample(s);
  return { sql: `${stmt.sql} ON CONFLICT (tenant, name) DO NOTHING`, args: stmt.args };
}

/** A sample without its document: what lists show. */
export interface SampleSummary {
  name: string;
  description: string;
  at: string;
  /** The policies it has a request for, sorted. */
  policies: string[];
  createdAt: string;
  createdBy: string;
}

/** The tenant's samples by name; with `policy`, only those with a request for that policy. */
export async function listSampleSummaries(db: Client, tenant: string, policy?: string): Promise<SampleSummary[]> {
  const filter = policy === undefined ? '' : " AND EXISTS (SELECT 1 FROM json_each(s.document, '$.requests') r WHERE r.key = ?)";
  const rs = await db.execute({
    sql: `SELECT s.name, s.description, s.at, s.created_at, s.created_by,
                 (SELECT json_group_array(key) FROM (SELECT r.key FROM json_each(s.document, '$.requests') r ORDER BY r.key)) AS policies
          FROM samples s WHERE s.tenant = ?${filter} ORDER BY s.name`,
    args: policy === undefined ? [tenant] : [tenant, policy],
  });
  return rs.rows.map((r) => ({
    name: str(r, 'name'),
    description: str(r, 'description'),
    at: str(r, 'at'),
    policies: json<string[]>(r, 'policies'),
    createdAt: str(r, 'created_at'),
    createdBy: str(r, 'created_by'),
  }));
}

export async function getSample(db: Client, tenant: string, name: string): Promise<Sample | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM samples WHERE tenant = ? AND name = ?', args: [tenant, name] });
  const r = rs.rows[0];
  return r
    ? { tenant: str(r, 'tenant'), name: str(r, 'name'), description: str(r, 'description'), at: str(r, 'at'), document: json<Record<string, unknown>>(r, 'document'), createdAt: str(r, 'created_at'), createdBy: str(r, 'created_by') }
    : null;
}

export function deleteSampleStmt(tenant: string, name: string): InStatement {
  return { sql: 'DELETE FROM samples WHERE tenant = ? AND name = ?', args: [tenant, name] };
}
