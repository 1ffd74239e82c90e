/**
 * Version verbs: list a policy's immutable versions, get one with its document, and diff two
 * (the document diff; the behaviour diff, by simulation, is the simulate route's).
 *
 * A version id is the path segment as given: anything that is not an existing version of the
 * caller's own policy ("abc", 0, 99, another tenant's) answers the same 404, so a foreign
 * policy cannot be told from a missing one.
 *
 * @example
 *   const versions = createVersions({ db });
 *   await versions.diff({ actor, policy: 'returns', from: '1', to: '2' });
 *   // { identical: false, changes: [{ op: 'changed', path: '/params/holidayExtension/value/returnUntil', before: null, after: '2024-01-31' }], ... }
 */
import { activeVersionAt } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import { listActivations } from '../store/activations.ts';
import type { Client } from '../store/client.ts';
import { getVersion, listVersions } from '../store/policies.ts';
import type { PolicyVersion } from '../store/policies.ts';
import type { VersionDetail, VersionDiff, VersionInfo, VersionList } from '../types/schemas.gen.ts';
import { documentDiff } from './document-diff.ts';
import { requirePolicy } from './drafts.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';

export interface VersionsDeps {
  db: Client;
  now?: () => Date;
}

export function createVersions(deps: VersionsDeps) {
  async function load(actor: Actor, policy: string, version: string): Promise<PolicyVersion> {
    const n = /^[1-9]\d{0,8}$/.test(version) ? Number(version) : null;
    const row = n === null ? null : await getVersion(deps.db, actor.tenant, policy, n);
    if (!row) throw new ServiceError('not_found', `policy "${policy}" has no version ${JSON.stringify(version)}`);
    return row;
  }

  async function list({ actor, policy }: { actor: Actor; policy: string }): Promise<VersionList> {
    assertCan(actor, 'read');
    await requirePolicy(deps.db, actor, policy);
    const [versions, activations] = await Promise.all([listVersions(deps.db, actor.tenant, policy), listActivations(deps.db, actor.tenant, policy)]);
    const at = (deps.now?.() ?? new Date()).toISOString();
    return { policy, activeVersion: activeVersionAt(activations, at), versions: versions.map(({ tenant: _t, ...v }) => v) };
  }

  async function get({ actor, policy, version }: { actor: Actor; policy: string; version: string }): Promise<VersionDetail> {
    assertCan(actor, 'read');
    await requirePolicy(deps.db, actor, policy);
    const { tenant: _t, document, ...info } = await load(actor, policy, version);
    return { ...info, document: document as Record<string, unknown> };
  }

  /** How version `to` differs from version `from` (either order is allowed: a diff back in time reads as the undo). */
  async function diff({ actor, policy, from, to }: { actor: Actor; policy: string; from: string; to: string }): Promise<VersionDiff> {
    assertCan(actor, 'read');
    await requirePolicy(deps.db, actor, policy);
    const [a, b] = [await load(actor, policy, from), await load(actor, policy, to)];
    const identical = a.contentHash === b.contentHash;
    const { delta, changes } = identical ? { delta: null, changes: [] } : documentDiff(a.document, b.document);
    return { policy, from: info(a), to: info(b), identical, changes, delta };
  }

  return { list, get, diff };
}

export type Versions = ReturnType<typeof createVersions>;

function info({ tenant: _t, document: _d, ...v }: PolicyVersion): VersionInfo {
  return v;
}
