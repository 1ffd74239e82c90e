/**
 * The decision log repository: one row per decision, written in groups by the log writer
 * (server/decisions/log-writer.ts) and read back by tenant, policy and time.
 */
import type { Client } from './client.ts';
import { iso, jsonOrNull, num, str, strOrNull, json } from './rows.ts';
import type { InStatement, Row } from './rows.ts';

export interface DecisionRecord {
  id: string;
  tenant: string;
  policy: string;
  version: number;
  /** The evaluation instant (ISO-8601). */
  at: string;
  input: unknown;
  /** Null when evaluation failed at run time (then `error` is set). */
  decision: Record<string, unknown> | null;
  trace: unknown | null;
  rule: string | null;
  error: { path: string; message: string } | null;
  /** The key that asked, null for decisions made outside the API. */
  keyId: string | null;
  createdAt: string;
  durationMs: number;
}

const COLUMNS = '(id, tenant, policy, version, at, input, decision, trace, rule, error, key_id, created_at, duration_ms)';
const PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per INSERT: 13 parameters each stays far below SQLite's 32,766-parameter limit. */
const ROWS_PER_STATEMENT = 100;

function args(d: DecisionRecord): Array<string | number | null> {
  return [
    d.id, d.tenant, d.policy, d.version, iso(d.at), JSON.stringify(d.input),
    d.decision === null ? null : JSON.stringify(d.decision),
    d.trace == null ? null : JSON.stringify(d.trace),
    d.rule, d.error === null ? null : JSON.stringify(d.error), d.keyId, iso(d.createdAt), d.durationMs,
  ];
}

/** Multi-row INSERTs for a group of decisions (one statement per 100 rows). */
export function insertDecisionsStmts(records: readonly DecisionRecord[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
    const chunk = records.slice(i, i + ROWS_PER_STATEMENT);
    out.push({
      sql: `INSERT INTO decisions ${COLUMNS} VALUES ${chunk.map(() => PLACEHOLDERS).join(', ')}`,
      args: chunk.flatMap(args),
    });
  }
  return out;
}

function toRecord(r: Row): DecisionRecord {
  return {
    id: str(r, 'id'),
    tenant: str(r, 'tenant'),
    policy: str(r, 'policy'),
    version: num(r, 'version'),
    at: str(r, 'at'),
    input: json(r, 'input'),
    decision: jsonOrNull(r, 'decision'),
    trace: jsonOrNull(r, 'trace'),
    rule: strOrNull(r, 'rule'),
    error: jsonOrNull(r, 'error'),
    keyId: strOrNull(r, 'key_id'),
    createdAt: str(r, 'created_at'),
    durationMs: num(r, 'duration_ms'),
  };
}

export async function getDecision(db: Client, tenant: string, id: string): Promise<DecisionRecord | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM decisions WHERE tenant = ? AND id = ?', args: [tenant, id] });
  return rs.rows[0] ? toRecord(rs.rows[0]) : null;
}

export interface DecisionQuery {
  policy?: string;
  /** Inclusive lower bound of `at`. */
  from?: string;
  /** Exclusive upper bound of `at`. */
  until?: string;
  limit?: number;
}

/** A tenant's decisions by evaluation time, newest first (uses the (tenant, policy, at) index). */
export async function listDecisions(db: Client, tenant: string, q: DecisionQuery = {}): Promise<DecisionRecord[]> {
  // Conditions are added only when given (never "? IS NULL OR ..."), so SQLite can use the index;
  // values still travel as placeholders.
  const where = ['tenant = ?'];
  const params: Array<string | number> = [tenant];
  if (q.policy !== undefined) { where.push('policy = ?'); params.push(q.policy); }
  if (q.from !== undefined) { where.push('at >= ?'); params.push(iso(q.from)); }
  if (q.until !== undefined) { where.push('at < ?'); params.push(iso(q.until)); }
  const rs = await db.execute({
    sql: `SELECT * FROM decisions WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
    args: [...params, q.limit ?? 100],
  });
  return rs.rows.map(toRecord);
}
