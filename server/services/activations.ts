/**
 * Activation verbs: say which version decides from when (open-ended) or in a window, list
 * them, cancel a scheduled one, and resolve the timeline. The overlap rule is the engine's
 * (activeVersionAt): a later activation overrides earlier ones wherever their windows overlap,
 * so a windowed overlay (the holiday version) sits on top of an open-ended one, and a rollback
 * is a new activation of an old version.
 *
 * Every change is one batch: the activation row, its audit row and its change-feed row. The
 * local cache is dropped at once; every other process drops its copy on its next poll of the
 * feed (CHANGE_POLL_MS), so decisions everywhere follow within a second.
 *
 * Only an activation that has not started may be deleted: one that has started has decided
 * (or could have), and deleting it would rewrite which version was in force in the past. To
 * stop it, activate another version (the activation list and the audit log keep the story).
 *
 * @example
 *   await activate({ db, cache }, { actor, policy: 'returns', version: 1, reason: 'roll back the holiday version' });
 */
import { ServiceError } from '../errors.ts';
import { deleteActivationStmt, getActivation, insertActivationStmt, listActivations } from '../store/activations.ts';
import type { ActivationRow } from '../store/activations.ts';
import { auditStmt } from '../store/audit.ts';
import { changeStmt } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { getPolicy, getVersion } from '../store/policies.ts';
import type { PolicyCache } from './policy-cache.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { resolveTimeline } from './timeline.ts';
import type { TimelineSegment } from './timeline.ts';

export interface ActivationDeps {
  db: Client;
  cache?: PolicyCache;
  now?: () => Date;
}

export interface ActivateInput {
  actor: Actor;
  policy: string;
  version: number;
  /** Inclusive start (ISO-8601); absent: now; null: since the beginning (seed and CLI only). */
  from?: string | null;
  /** Exclusive end (ISO-8601); null or absent: open-ended. */
  until?: string | null;
  reason?: string | null;
}

/** An activation as the API shows it. `state` is about its own window; `inForce` says whether it is the one deciding now. */
export interface ActivationView {
  id: number;
  policy: string;
  version: number;
  from: string | null;
  until: string | null;
  reason: string | null;
  createdAt: string;
  createdBy: string;
  state: 'past' | 'current' | 'future';
  inForce: boolean;
}

export async function activate(deps: ActivationDeps, input: ActivateInput): Promise<ActivationView> {
  const { actor, policy, version } = input;
  assertCan(actor, 'publish');
  const now = deps.now?.() ?? new Date();
  const from = input.from === undefined ? now.toISOString() : instant(input.from, '/from');
  const until = instant(input.until ?? null, '/until');
  if (from !== null && until !== null && Date.parse(until) <= Date.parse(from)) {
    throw new ServiceError('invalid_body', '"until" must be after "from"', [{ path: '/until', message: `must be after "from" (${from})` }]);
  }
  await requirePolicy(deps.db, actor, policy);
  if (!(await getVersion(deps.db, actor.tenant, policy, version))) {
    throw new ServiceError('unprocessable', `policy "${policy}" has no version ${version}`, [{ path: '/version', message: `policy "${policy}" has no version ${version}` }]);
  }

  const reason = input.reason ?? null;
  const [inserted] = await deps.db.batch(
    [
      insertActivationStmt({ tenant: actor.tenant, policy, version, from, until, reason, createdBy: actor.keyId }),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'activation.create', target: `${policy}@${version}`, reason, detail: { version, from, until } }, { detailLastRowIdAs: 'activation' }),
      changeStmt(actor.tenant, 'activation', policy),
    ],
    'write',
  );
  deps.cache?.invalidate(actor.tenant, policy);
  const seq = Number(inserted!.lastInsertRowid);
  const rows = await listActivations(deps.db, actor.tenant, policy);
  const view = views(rows, now).find((a) => a.id === seq);
  if (!view) throw new Error(`activation ${seq} vanished after insert`);
  return view;
}

/** The policy's live activations in the order they were made (later ones win where they overlap). */
export async function listPolicyActivations(deps: ActivationDeps, input: { actor: Actor; policy: string }): Promise<ActivationView[]> {
  assertCan(input.actor, 'read');
  await requirePolicy(deps.db, input.actor, input.policy);
  return views(await listActivations(deps.db, input.actor.tenant, input.policy), deps.now?.() ?? new Date());
}

/** Deletes an activation that has not started yet (409 otherwise); returns what was deleted. */
export async function deleteActivation(deps: ActivationDeps, input: { actor: Actor; policy: string; id: number | string; reason?: string | null }): Promise<ActivationView> {
  const { actor, policy } = input;
  // An id that is not a number names no activation: not found, like any other unknown id.
  const id = typeof input.id === 'number' ? input.id : /^[1-9]\d{0,15}$/.test(input.id) ? Number(input.id) : NaN;
  assertCan(actor, 'publish');
  await requirePolicy(deps.db, actor, policy);
  const now = deps.now?.() ?? new Date();
  const row = Number.isSafeInteger(id) ? await getActivation(deps.db, actor.tenant, policy, id) : null;
  if (!row) throw new ServiceError('not_found', `policy "${policy}" has no activation ${input.id}`);
  if (row.from === null || Date.parse(row.from) <= now.getTime()) throw started(row);

  const [deleted] = await deps.db.batch(
    [
      deleteActivationStmt(actor.tenant, policy, id, actor.keyId, { at: now.toISOString(), notStartedAt: now.toISOString() }),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'activation.delete', target: `${policy}@${row.version}`, reason: input.reason ?? null, detail: { activation: id, version: row.version, from: row.from, until: row.until } }, { ifChanged: true }),
      changeStmt(actor.tenant, 'activation', policy, { ifChanged: true }),
    ],
    'write',
  );
  deps.cache?.invalidate(actor.tenant, policy);
  // Lost a race: deleted by someone else meanwhile (gone), or it started meanwhile (kept).
  if (deleted!.rowsAffected !== 1) {
    const again = await getActivation(deps.db, actor.tenant, policy, id);
    if (!again) throw new ServiceError('not_found', `policy "${policy}" has no activation ${id}`);
    throw started(again);
  }
  return view(row, now, false);
}

/** Which version decides when, within [from, until) if given. */
export async function policyTimeline(deps: ActivationDeps, input: { actor: Actor; policy: string; from?: string; until?: string }): Promise<{ policy: string; from: string | null; until: string | null; segments: TimelineSegment[] }> {
  assertCan(input.actor, 'read');
  const from = input.from === undefined ? null : instant(input.from, '/query/from', 'invalid_query');
  const until = input.until === undefined ? null : instant(input.until, '/query/until', 'invalid_query');
  if (from !== null && until !== null && Date.parse(until) <= Date.parse(from)) {
    throw new ServiceError('invalid_query', '"until" must be after "from"', [{ path: '/query/until', message: 'must be after "from"' }]);
  }
  await requirePolicy(deps.db, input.actor, input.policy);
  const rows = await listActivations(deps.db, input.actor.tenant, input.policy);
  return { policy: input.policy, from, until, segments: resolveTimeline(rows, { from, until }) };
}

async function requirePolicy(db: Client, actor: Actor, policy: string): Promise<void> {
  // Looked up under the caller's tenant: another tenant's policy is simply missing.
  if (!(await getPolicy(db, actor.tenant, policy))) throw new ServiceError('not_found', `policy "${policy}" not found`);
}

function started(row: ActivationRow): ServiceError {
  const since = row.from === null ? 'since the beginning' : `since ${row.from}`;
  return new ServiceError(
    'conflict',
    `activation ${row.seq} (version ${row.version}) has been in force ${since}; only an activation that has not started can be deleted. To stop it, activate another version (a rollback is a new activation).`,
  );
}

function views(rows: ActivationRow[], now: Date): ActivationView[] {
  // The engine's rule: the last activation covering `now` is the one deciding.
  let inForce = -1;
  rows.forEach((r, i) => {
    if (covers(r, now.getTime())) inForce = i;
  });
  return rows.map((r, i) => view(r, now, i === inForce));
}

function view(r: ActivationRow, now: Date, inForce: boolean): ActivationView {
  const t = now.getTime();
  const state = r.from !== null && Date.parse(r.from) > t ? 'future' : r.until !== null && Date.parse(r.until) <= t ? 'past' : 'current';
  return { id: r.seq, policy: r.policy, version: r.version, from: r.from, until: r.until, reason: r.reason, createdAt: r.createdAt, createdBy: r.createdBy, state, inForce };
}

function covers(r: ActivationRow, t: number): boolean {
  return (r.from === null || Date.parse(r.from) <= t) && (r.until === null || Date.parse(r.until) > t);
}

function instant(value: string | null, path: string, code: 'invalid_body' | 'invalid_query' = 'invalid_body'): string | null {
  if (value === null) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new ServiceError(code, `${path.split('/').pop()} must be an ISO-8601 date-time`, [{ path, message: 'must be an ISO-8601 date-time' }]);
  return new Date(ms).toISOString();
}
