/**
 * GET /v1/audit (read): every change to the tenant's data — who (key id and role), what
 * (action), to what (target), why (reason), when, and the detail — newest first, filtered by
 * action / target / actor / time, paged with an opaque cursor. Decisions are not changes: they
 * are in the decision log.
 */
import type { Hono } from 'hono';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, queryAudit } from '../../services/audit.ts';
import type { AuditQueryInput } from '../../services/audit.ts';
import { readQuery } from '../query.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const text = { type: 'string', minLength: 1, maxLength: 200 };
const instant = { type: 'string', format: 'date-time' };

export const auditRoutes = {
  list: {
    method: 'get',
    path: '/v1/audit',
    tag: 'audit',
    summary: 'Query the audit log',
    description: 'The tenant\'s audit log, newest first: one entry per change (activation.create/delete, sample.create/delete, key.create/revoke, version.publish, …), with the key id and role that made it. Every filter given must hold. Page with `nextCursor`.',
    permission: 'read',
    query: [
      { name: 'action', description: 'An action (key.revoke) or a family of them (activation.*).', schema: { type: 'string', pattern: '^[a-z][a-z_-]*(\\.([a-z][a-z_-]*|\\*))?$', maxLength: 100 } },
      { name: 'target', description: 'What changed, exactly as in the entries: returns@2, a sample name, a key id.', schema: text },
      { name: 'actor', description: 'Who: a key id, or "seed" / "cli".', schema: text },
      { name: 'since', description: 'Entries at or after this instant (ISO-8601 with a time zone).', schema: instant },
      { name: 'until', description: 'Entries before this instant.', schema: instant },
      { name: 'limit', description: `Entries per page, 1 to ${AUDIT_PAGE_MAX}; default ${AUDIT_PAGE_DEFAULT}.`, schema: { type: 'integer', minimum: 1, maximum: AUDIT_PAGE_MAX } },
      { name: 'cursor', description: 'The `nextCursor` of the previous page (send the same filters with it).', schema: { type: 'string', maxLength: 500 } },
    ],
    responses: { 200: { description: 'One page of entries', schema: 'api/audit-page.schema.json' } },
  },
} satisfies Record<string, RouteSpec>;

export function registerAudit(app: Hono<AppEnv>, deps: AppDeps): void {
  route(app, auditRoutes.list, async (c) => c.json(await queryAudit(deps, { actor: c.get('actor'), query: readQuery<AuditQueryInput & Record<string, unknown>>(c, auditRoutes.list) })));
}
