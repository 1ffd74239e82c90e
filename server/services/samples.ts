/**
 * Sample verbs: a tenant's named order scenarios, which feed simulation ("what changes if
 * ...") and serve staff as ready-made test inputs. A sample is checked twice before it is
 * stored: against schemas/sample.schema.json (by the route), and here, for each policy it has
 * a request for, `{order, request}` against that policy's input schema, so a sample that a
 * simulation would refuse is refused now, with paths into the posted sample
 * (/order/..., /requests/<policy>/...).
 *
 * The input schema is the one of the version active at the sample's `at` (what a decision at
 * that instant would be checked against), or of the newest version if none is active then.
 *
 * @example
 *   await createSample({ db, cache }, { actor, sample: { name: 'late-return', description: '...', at, order, requests: { returns: {...} } } });
 */
import { activeVersionAt, normalizeInstant } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import type { ProblemItem } from '../errors.ts';
import { auditStmt } from '../store/audit.ts';
import type { Client } from '../store/client.ts';
import { listVersions } from '../store/policies.ts';
import { deleteSampleStmt, getSample as getSampleRow, insertSampleIfNewStmt, listSampleSummaries } from '../store/samples.ts';
import type { SampleSummary } from '../store/samples.ts';
import type { Sample as SampleDocument } from '../types/schemas.gen.ts';
import type { PolicyCache } from './policy-cache.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { unholdableInstant } from './instants.ts';

export type { SampleSummary } from '../store/samples.ts';

export interface SampleDeps {
  db: Client;
  cache: PolicyCache;
}

/** A stored sample: the document as posted, with the policies it serves and who added it when. */
export type SampleView = SampleDocument & { policies: string[]; createdAt: string; createdBy: string };

export async function listSamples({ db }: SampleDeps, input: { actor: Actor; policy?: string }): Promise<SampleSummary[]> {
  assertCan(input.actor, 'read');
  return listSampleSummaries(db, input.actor.tenant, input.policy);
}

export async function getSample({ db }: SampleDeps, input: { actor: Actor; name: string }): Promise<SampleView> {
  assertCan(input.actor, 'read');
  const row = await getSampleRow(db, input.actor.tenant, input.name);
  if (!row) throw new ServiceError('not_found', `sample "${input.name}" not found`);
  return toView(row.document as unknown as SampleDocument, row.createdAt, row.createdBy);
}

export async function createSample(deps: SampleDeps, input: { actor: Actor; sample: SampleDocument; reason?: string | null }): Promise<SampleView> {
  const { actor, sample } = input;
  assertCan(actor, 'write');
  if (normalizeInstant(sample.at) === null) throw unholdableInstant('/at');
  const problems = await inputProblems(deps, actor.tenant, sample);
  if (problems.length) throw new ServiceError('invalid_body', 'the sample does not match the input schema of the policies it names', problems);

  const { $schema: _schema, ...document } = sample;
  const [inserted] = await deps.db.batch(
    [
      insertSampleIfNewStmt({ tenant: actor.tenant, name: sample.name, description: sample.description, at: sample.at, document, createdBy: actor.keyId }),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'sample.create', target: sample.name, reason: input.reason ?? null, detail: { at: sample.at, policies: Object.keys(sample.requests).sort() } }, { ifChanged: true }),
    ],
    'write',
  );
  if (inserted!.rowsAffected !== 1) {
    throw new ServiceError('conflict', `a sample named "${sample.name}" already exists; delete it first or choose another name`, [{ path: '/name', message: 'is already taken' }]);
  }
  const row = await getSampleRow(deps.db, actor.tenant, sample.name);
  if (!row) throw new Error(`sample ${sample.name} vanished after insert`);
  return toView(row.document as unknown as SampleDocument, row.createdAt, row.createdBy);
}

/** Deletes a sample; the audit row keeps its whole document, so a deletion can be undone by hand. */
export async function deleteSample({ db }: SampleDeps, input: { actor: Actor; name: string; reason?: string | null }): Promise<void> {
  const { actor, name } = input;
  assertCan(actor, 'write');
  const row = await getSampleRow(db, actor.tenant, name);
  if (!row) throw new ServiceError('not_found', `sample "${name}" not found`);
  const [deleted] = await db.batch(
    [
      deleteSampleStmt(actor.tenant, name),
      auditStmt({ tenant: actor.tenant, actor: actor.keyId, action: 'sample.delete', target: name, reason: input.reason ?? null, detail: { document: row.document } }, { ifChanged: true }),
    ],
    'write',
  );
  // Deleted by someone else between the read and the write: it is gone either way.
  if (deleted!.rowsAffected !== 1) throw new ServiceError('not_found', `sample "${name}" not found`);
}

/**
 * Each policy's input problems, with paths into the sample; a problem of the order found by
 * several policies is reported once, naming them. A policy the tenant lacks is one problem.
 */
async function inputProblems({ db, cache }: SampleDeps, tenant: string, sample: SampleDocument): Promise<ProblemItem[]> {
  const found = new Map<string, { path: string; message: string; by: string[] }>();
  const add = (path: string, message: string, by: string) => {
    const key = `${path}\n${message}`;
    const hit = found.get(key);
    if (hit) hit.by.push(by);
    else found.set(key, { path, message, by: [by] });
  };
  for (const [policy, request] of Object.entries(sample.requests)) {
    const entry = await cache.policy(tenant, policy);
    if (!entry) {
      found.set(`/requests/${policy}`, { path: `/requests/${policy}`, message: `there is no policy "${policy}"`, by: [] });
      continue;
    }
    const version = activeVersionAt(entry.activations, sample.at) ?? (await listVersions(db, tenant, policy)).at(-1)?.version;
    if (version === undefined) continue;
    const compiled = await cache.compiled(tenant, policy, version);
    if (!compiled.ok) throw new Error(`${tenant}/${policy}@${version} does not compile`);
    for (const p of compiled.policy.validateInput({ order: sample.order, request })) {
      // The input is {order, request}: its /request is this policy's entry of /requests.
      const path = p.path === '/request' || p.path.startsWith('/request/') ? `/requests/${policy}${p.path.slice('/request'.length)}` : p.path;
      add(path, p.message, `${policy}@${version}`);
    }
  }
  return [...found.values()].map(({ path, message, by }) => ({ path, message: by.length ? `${message} (input schema of ${by.join(', ')})` : message }));
}

function toView({ $schema: _schema, ...document }: SampleDocument, createdAt: string, createdBy: string): SampleView {
  // Seeded documents carry the "$schema" of their file; it is an editor hint, not part of the sample.
  return { ...document, policies: Object.keys(document.requests).sort(), createdAt, createdBy };
}
