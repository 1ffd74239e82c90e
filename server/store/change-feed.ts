/**
 * The change feed: an append-only list of "something about (tenant, policy) or the tenant's
 * keys changed". Every write that affects what a process caches appends a row in the same
 * batch; every process polls the feed (server/services/change-poller.ts) and drops what it
 * cached, so a publish, activation or key revocation made by one process is in force on all.
 *
 * The feed is not pruned: it gets one small row per human change (a publish, an activation, a
 * revocation), and a pruned row a sleeping process had not read yet would leave it stale.
 */
import type { Client } from './client.ts';
import { iso, num, str, strOrNull } from './rows.ts';
import type { InStatement } from './rows.ts';

/** What changed: a policy's versions or activations, or the tenant's keys. */
export type ChangeKind = 'policy' | 'activation' | 'key';

export interface Change {
  seq: number;
  tenant: string;
  kind: ChangeKind;
  policy: string | null;
}

/** `ifChanged`: only when the previous statement of the batch changed one row (see audit.ts). */
export function changeStmt(tenant: string, kind: ChangeKind, policy: string | null, options: { ifChanged?: boolean } = {}): InStatement {
  const args = [tenant, kind, policy, iso()];
  return options.ifChanged
    ? { sql: 'INSERT INTO change_feed (tenant, kind, policy, at) SELECT ?, ?, ?, ? WHERE changes() = 1', args }
    : { sql: 'INSERT INTO change_feed (tenant, kind, policy, at) VALUES (?, ?, ?, ?)', args };
}

/** Changes after `seq`, oldest first. */
export async function changesAfter(db: Client, seq: number, limit = 1000): Promise<Change[]> {
  const rs = await db.execute({ sql: 'SELECT seq, tenant, kind, policy FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?', args: [seq, limit] });
  return rs.rows.map((r) => ({ seq: num(r, 'seq'), tenant: str(r, 'tenant'), kind: str(r, 'kind') as ChangeKind, policy: strOrNull(r, 'policy') }));
}

/** The newest seq (0 on an empty feed): a process starting now needs nothing older. */
export async function lastChangeSeq(db: Client): Promise<number> {
  const rs = await db.execute('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_feed');
  return num(rs.rows[0]!, 'seq');
}
