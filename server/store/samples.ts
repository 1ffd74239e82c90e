/** The samples repository: a tenant's named order scenarios (schemas/sample.schema.json). */
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

export function insertSampleStmt(s: { tenant: string; name: string; description: string; at: string; document: unknown; createdBy: string; createdAt?: string }): InStatement {
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

export function deleteSampleStmt(tenant: string, name: string): InStatement {
  return { sql: 'DELETE FROM samples WHERE tenant = ? AND name = ?', args: [tenant, name] };
}
