/**
 * The audit query verb: every change to the tenant's data (who: key id and role; what; which
 * target; why; when; detail), newest first, filtered and paged. Decisions are not changes:
 * they are in the decision log, not here.
 *
 * Paging is by keyset with an opaque cursor (the position of the last row shown), so rows
 * written while someone pages never shift or repeat a page, and deep pages cost no OFFSET.
 * The cursor is only a position: the filters must be sent again with it.
 *
 * @example
 *   const page = await queryAudit({ db }, { actor, query: { action: 'activation.*', limit: 20 } });
 *   const next = await queryAudit({ db }, { actor, query: { action: 'activation.*', limit: 20, cursor: page.nextCursor! } });
 */
import { ServiceError } from '../errors.ts';
import { queryAudit as queryAuditRows } from '../store/audit.ts';
import type { Client } from '../store/client.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

export interface AuditQueryInput {
  /** An exact action ("key.revoke") or a family ("activation.*"). */
  action?: string;
  target?: string;
  /** A key id (or "seed", "cli"). */
  actor?: string;
  /** Inclusive, ISO-8601. */
  since?: string;
  /** Exclusive, ISO-8601. */
  until?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
  /** The role of the key that acted; null when the actor is not a key ("seed", "cli"). */
  role: string | null;
  action: string;
  target: string;
  reason: string | null;
  detail: unknown;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `cursor` (with the same filters) for the next page; null on the last page. */
  nextCursor: string | null;
}

export async function queryAudit({ db }: { db: Client }, { actor, query }: { actor: Actor; query: AuditQueryInput }): Promise<AuditPage> {
  assertCan(actor, 'read');
  const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
  const since = query.since === undefined ? undefined : instant(query.since, 'since');
  const until = query.until === undefined ? undefined : instant(query.until, 'until');
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await queryAuditRows(db, actor.tenant, {
    ...(query.action !== undefined ? { action: query.action } : {}),
    ...(query.target !== undefined ? { target: query.target } : {}),
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(after ? { after } : {}),
    // One more than asked: whether it exists says if there is a next page.
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((row) => ({ id: row.id, at: row.at, actor: row.actor, role: row.role, action: row.action, target: row.target, reason: row.reason, detail: row.detail })),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, seq: last.seq }) : null,
  };
}

function encodeCursor(position: { at: string; seq: number }): string {
  return Buffer.from(JSON.stringify([position.at, position.seq])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; seq: number } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isSafeInteger(value[1])) return { at: value[0], seq: value[1] as number };
  } catch {
    // fall through: not one of ours
  }
  throw new ServiceError('invalid_query', 'the cursor is not one this server handed out', [{ path: '/query/cursor', message: 'is not a cursor from a previous page (nextCursor)' }]);
}

function instant(value: string, name: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ServiceError('invalid_query', `${name} must be an ISO-8601 date-time`, [{ path: `/query/${name}`, message: 'must be an ISO-8601 date-time' }]);
  return new Date(ms).toISOString();
}
