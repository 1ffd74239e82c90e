/**
 * The decision log repository: one row per decision, written in groups by the log writer
 * (server/decisions/log-writer.ts) and read back by tenant, policy, version, time, rule and
 * outcome (queryDecisions), or a page at a time for replays (decisionsForReplay).
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
  /**
   * The instant the version was chosen as of: `at`, or the order's placedAt (pinTo). Absent
   * when written means `at`; always set when read.
   */
  versionAsOf?: string;
  /** The governing version's pinTo; absent when written means "decision"; always set when read. */
  pinTo?: 'decision' | 'order.placedAt';
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

const COLUMNS = '(id, tenant, policy, version, at, input, decision, trace, rule, error, key_id, created_at, duration_ms, pin_to, version_as_of)';
const PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per INSERT: 15 parameters each stays far below SQLite's 32,766-parameter limit. */
const ROWS_PER_STATEMENT = 100;

function args(d: DecisionRecord): Array<string | number | null> {
  return [
    d.id, d.tenant, d.policy, d.version, iso(d.at), JSON.stringify(d.input),
    d.decision === null ? null : JSON.stringify(d.decision),
    d.trace == null ? null : JSON.stringify(d.trace),
    d.rule, d.error === null ? null : JSON.stringify(d.error), d.keyId, iso(d.createdAt), d.durationMs,
    // NULL when the version was chosen as of `at` (the default pin): nothing extra stored.
    d.pinTo ?? 'decision', d.versionAsOf === undefined || d.versionAsOf === d.at ? null : iso(d.versionAsOf),
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
    versionAsOf: strOrNull(r, 'version_as_of') ?? str(r, 'at'),
    pinTo: pinTo(r),
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

function pinTo(r: Row): DecisionRecord['pinTo'] {
  return str(r, 'pin_to') === 'order.placedAt' ? 'order.placedAt' : 'decision';
}

export async function getDecision(db: Client, tenant: string, id: string): Promise<DecisionRecord | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM decisions WHERE tenant = ? AND id = ?', args: [tenant, id] });
  return rs.rows[0] ? toRecord(rs.rows[0]) : null;
}

/** A row of a decision-log query: everything but the input and the trace (read one decision for those). */
export type DecisionSummary = Omit<DecisionRecord, 'input' | 'trace'> & { hasTrace: boolean };

/** A JSON scalar that a decision field must equal (strict: false is not 0, "1" is not 1). */
export type FieldValue = string | number | boolean | null;

export interface DecisionFilter {
  policy?: string;
  version?: number;
  /** Inclusive lower bound of `at`. */
  from?: string;
  /** Exclusive upper bound of `at`. */
  until?: string;
  rule?: string;
  /** A decision field (path segments, e.g. ["items", "0", "eligible"]) and the value it must have. */
  field?: { path: string[]; value: FieldValue };
  /** Keyset paging: only rows older than this one (by at, then id). */
  before?: { at: string; id: string };
  limit: number;
}

/** SQLite JSON path of decision-field segments: ["items","0","rule"] → $."items"[0]."rule". */
export function jsonPath(segments: readonly string[]): string {
  return `$${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `."${s}"`)).join('')}`;
}

/** Policies per statement of a query across a tenant's policies: SQLite allows 500 terms in a compound SELECT. */
const POLICIES_PER_STATEMENT = 200;

const SUMMARY_COLUMNS = 'id, tenant, policy, version, at, pin_to, version_as_of, decision, rule, error, key_id, created_at, duration_ms, trace IS NOT NULL AS has_trace';

/**
 * A tenant's decisions matching every given filter, newest first (by at, then id). Every
 * filter is checked on rows found through the (tenant, policy, at, id) index: with a policy
 * one walk of it; without, one walk per policy of the tenant (each stopping after `limit`
 * rows), the newest `limit` of those rows being the answer, so a query across policies never
 * reads more than `limit` rows a policy and the log needs no second time index (migration
 * 006). Values travel as placeholders, the field path too.
 */
export async function queryDecisions(db: Client, tenant: string, q: DecisionFilter): Promise<DecisionSummary[]> {
  const { where, args } = filterConditions(q);
  if (q.policy !== undefined) {
    const rs = await db.execute({
      sql: `SELECT ${SUMMARY_COLUMNS} FROM decisions WHERE tenant = ? AND policy = ?${where} ORDER BY at DESC, id DESC LIMIT ?`,
      args: [tenant, q.policy, ...args, q.limit],
    });
    return rs.rows.map(toSummary);
  }
  const policies = (await db.execute({ sql: 'SELECT key FROM policies WHERE tenant = ? ORDER BY key', args: [tenant] })).rows.map((r) => str(r, 'key'));
  const rows: DecisionSummary[] = [];
  for (let i = 0; i < policies.length; i += POLICIES_PER_STATEMENT) {
    const chunk = policies.slice(i, i + POLICIES_PER_STATEMENT);
    const walk = `SELECT rowid FROM (SELECT rowid FROM decisions WHERE tenant = ? AND policy = ?${where} ORDER BY at DESC, id DESC LIMIT ?)`;
    const rs = await db.execute({
      sql: `SELECT ${SUMMARY_COLUMNS} FROM decisions WHERE rowid IN (${chunk.map(() => walk).join(' UNION ALL ')}) ORDER BY at DESC, id DESC LIMIT ?`,
      args: [...chunk.flatMap((policy) => [tenant, policy, ...args, q.limit]), q.limit],
    });
    rows.push(...rs.rows.map(toSummary));
  }
  // More than one statement: the newest of their rows, ordered as SQLite orders them (at and id
  // are ASCII text compared byte by byte).
  if (policies.length > POLICIES_PER_STATEMENT) rows.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return rows.slice(0, q.limit);
}

/** The filters other than tenant and policy, as " AND ..." conditions on the decisions table and their values. */
function filterConditions(q: DecisionFilter): { where: string; args: Array<string | number> } {
  let where = '';
  const args: Array<string | number> = [];
  const add = (sql: string, ...values: Array<string | number>) => {
    where += ` AND ${sql}`;
    args.push(...values);
  };
  if (q.from !== undefined) add('at >= ?', iso(q.from));
  if (q.until !== undefined) add('at < ?', iso(q.until));
  if (q.before !== undefined) add('(at, id) < (?, ?)', iso(q.before.at), q.before.id);
  if (q.version !== undefined) add('version = ?', q.version);
  if (q.rule !== undefined) add('rule = ?', q.rule);
  if (q.field !== undefined) {
    const path = jsonPath(q.field.path);
    const v = q.field.value;
    // json_type tells true from 1 and "1" from 1, which json_extract alone would not.
    if (v === null) add(`json_type(decision, ?) = 'null'`, path);
    else if (typeof v === 'boolean') add('json_type(decision, ?) = ?', path, v ? 'true' : 'false');
    else if (typeof v === 'number') add(`json_type(decision, ?) IN ('integer', 'real') AND json_extract(decision, ?) = ?`, path, path, v);
    else add(`json_type(decision, ?) = 'text' AND json_extract(decision, ?) = ?`, path, path, v);
  }
  return { where, args };
}

function toSummary(r: Row): DecisionSummary {
  return {
    id: str(r, 'id'),
    tenant: str(r, 'tenant'),
    policy: str(r, 'policy'),
    version: num(r, 'version'),
    at: str(r, 'at'),
    versionAsOf: strOrNull(r, 'version_as_of') ?? str(r, 'at'),
    pinTo: pinTo(r),
    decision: jsonOrNull(r, 'decision'),
    rule: strOrNull(r, 'rule'),
    error: jsonOrNull(r, 'error'),
    keyId: strOrNull(r, 'key_id'),
    createdAt: str(r, 'created_at'),
    durationMs: num(r, 'duration_ms'),
    hasTrace: num(r, 'has_trace') === 1,
  };
}

/** What a replay needs of a logged decision. */
export interface LoggedCase {
  id: string;
  version: number;
  at: string;
  input: unknown;
}

/** How many decisions of a policy were made in [from, until). */
export async function countDecisionsInRange(db: Client, tenant: string, policy: string, from: string, until: string): Promise<number> {
  const rs = await db.execute({
    sql: 'SELECT COUNT(*) AS n FROM decisions WHERE tenant = ? AND policy = ? AND at >= ? AND at < ?',
    args: [tenant, policy, iso(from), iso(until)],
  });
  return num(rs.rows[0]!, 'n');
}

/**
 * One page of a policy's decisions in [from, until), oldest first (by at, then id), after the
 * given row: a simulation reads a large range a page at a time instead of all at once.
 */
export async function decisionsForReplay(
  db: Client, tenant: string, policy: string, range: { from: string; until: string; after?: { at: string; id: string } | undefined }, limit: number,
): Promise<LoggedCase[]> {
  const after = range.after ? ' AND (at, id) > (?, ?)' : '';
  const rs = await db.execute({
    sql: `SELECT id, version, at, input FROM decisions WHERE tenant = ? AND policy = ? AND at >= ? AND at < ?${after} ORDER BY at, id LIMIT ?`,
    args: [tenant, policy, iso(range.from), iso(range.until), ...(range.after ? [iso(range.after.at), range.after.id] : []), limit],
  });
  return rs.rows.map((r) => ({ id: str(r, 'id'), version: num(r, 'version'), at: str(r, 'at'), input: json(r, 'input') }));
}
