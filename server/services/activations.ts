/**
 * Activation verbs: say which version decides from when (open-ended) or in a window. A new
 * activation overrides earlier ones where they overlap (rollback = activating an old version
 * again). The activation, its audit row and its change-feed row are one batch; the local cache
 * is dropped at once and every other process drops its copy on its next poll of the feed.
 *
 * The routes (list, create, delete a future one, timeline) are still to be written on top.
 *
 * @example
 *   await activate({ db, cache }, { actor, policy: 'returns', version: 1, from: null, reason: 'roll back the holiday version' });
 */
import { ServiceError } from '../errors.ts';
import { insertActivationStmt, listActivations } from '../store/activations.ts';
import type { ActivationRow } from '../store/activations.ts';
import { auditStmt } from '../store/audit.ts';
import { changeStmt } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { getPolicy, getVersion } from '../store/policies.ts';
import type { PolicyCache } from './policy-cache.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';

export interface ActivateInput {
  actor: Actor;
  policy: string;
  version: number;
  /** Inclusive start (ISO-8601); null: since the beginning. */
  from: string | null;
  /** Exclusive end (ISO-8601); null or absent: open-ended. */
  until?: string | null;
  reason?: string | null;
}

export async function activate(deps: { db: Client; cache?: PolicyCache }, input: ActivateInput): Promise<ActivationRow> {
  const { actor, policy, version } = input;
  assertCan(actor, 'publish');
  const from = instant(input.from, '/from');
  const until = instant(input.until ?? null, '/until');
  if (from !== null && until !== null && Date.parse(until) <= Date.parse(from)) {
    throw new ServiceError('invalid_body', '"until" must be after "from"', [{ path: '/until', message: 'must be after "from"' }]);
  }
  if (!(await getPolicy(deps.db, actor.tenant, policy))) throw new ServiceError('not_found', `policy "${policy}" not found`);
  if (!(await getVersion(deps.db, actor.tenant, policy, version))) throw new ServiceError('not_found', `policy "${policy}" has no version ${version}`);

  const target = `${policy}@${version}`;
  const [inserted] = await deps.db.batch(
    [
      insertActivationStmt({ tenant: actor.tenant, policy, version, from, until, reason: input.reason ?? null, createdBy: actor.keyId }),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'activation.create', target, reason: input.reason ?? null, detail: { from, until } }),
      changeStmt(actor.tenant, 'activation', policy),
    ],
    'write',
  );
  deps.cache?.invalidate(actor.tenant, policy);
  const seq = Number(inserted!.lastInsertRowid);
  const row = (await listActivations(deps.db, actor.tenant, policy)).find((a) => a.seq === seq);
  if (!row) throw new Error(`activation ${seq} vanished after insert`);
  return row;
}

function instant(value: string | null, path: string): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  if (typeof value !== 'string' || Number.isNaN(ms)) {
    throw new ServiceError('invalid_body', `${path.slice(1)} must be an ISO-8601 date-time`, [{ path, message: 'must be an ISO-8601 date-time' }]);
  }
  return new Date(ms).toISOString();
}
