/** The tenants repository: merchants, identified by a short slug ("soom", "solum"). */
import type { Client } from './client.ts';
import { iso, str, strOrNull } from './rows.ts';
import type { InStatement } from './rows.ts';

export interface Tenant {
  id: string;
  name: string;
  description: string | null;
  /** The default language of decision explanations (BCP 47); null: none set (English). */
  language: string | null;
  createdAt: string;
}

export function insertTenantStmt(t: { id: string; name: string; description?: string | null; language?: string | null; createdBy: string; at?: string }): InStatement {
  return {
    sql: 'INSERT INTO tenants (id, name, description, language, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    args: [t.id, t.name, t.description ?? null, t.language ?? null, iso(t.at), t.createdBy],
  };
}

/** Sets the tenant's default language of decision explanations (tenant.json "language"). */
export function setTenantLanguageStmt(id: string, language: string | null): InStatement {
  return { sql: 'UPDATE tenants SET language = ? WHERE id = ?', args: [language, id] };
}

/** The tenant's default language of decision explanations; null when none is set (or no such tenant). */
export async function getTenantLanguage(db: Client, id: string): Promise<string | null> {
  const rs = await db.execute({ sql: 'SELECT language FROM tenants WHERE id = ?', args: [id] });
  const r = rs.rows[0];
  return r ? strOrNull(r, 'language') : null;
}

export async function getTenant(db: Client, id: string): Promise<Tenant | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM tenants WHERE id = ?', args: [id] });
  const r = rs.rows[0];
  return r ? { id: str(r, 'id'), name: str(r, 'name'), description: strOrNull(r, 'description'), language: strOrNull(r, 'language'), createdAt: str(r, 'created_at') } : null;
}

/** Every tenant's id (operators' CLI only: no API request ever lists other tenants). */
export async function listTenantIds(db: Client): Promise<string[]> {
  const rs = await db.execute('SELECT id FROM tenants ORDER BY id');
  return rs.rows.map((r) => str(r, 'id'));
}
