/**
 * Decision-log verbs: query the log (policy, version, time range, rule, an outcome field),
 * read one decision with its input and trace, and replay one with any version or the draft.
 * A decision of another tenant is looked up under the caller's tenant, so it is simply
 * missing: 404, exactly like an id that was never issued.
 *
 * Replay is the reproducibility check: the deciding version, the logged input and the logged
 * `at` must give the logged decision exactly (`equal: true`, no changes); another version or
 * the draft gives the diff against it. Nothing a replay computes is logged.
 *
 * @example
 *   const page = await listDecisions(deps, { actor, query: { policy: 'returns', field: 'eligible', value: 'false' } });
 *   const one = await getDecision(deps, { actor, id: page.decisions[0].id, trace: 'recompute' });
 *   const r = await replayDecision(deps, { actor, id: one.id, input: { version: 1 } });   // r.equal, r.changes
 */
import { diff, evaluate, explain, normalizeInstant } from '../engine/index.ts';
import type { CompiledPolicy, EvaluateResult } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import { documentRef } from '../sandbox/pool.ts';
import { getDecision as getDecisionRow, queryDecisions } from '../store/decisions.ts';
import type { DecisionFilter, DecisionRecord, FieldValue } from '../store/decisions.ts';
import type { DecisionList, LoggedDecision, ReplayOutcome, ReplayRequest, ReplayResponse } from '../types/schemas.gen.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { draftCandidate, policyEntry, publishedVersion } from './simulation-candidate.ts';
import type { CandidateDeps } from './simulation-candidate.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** GET /v1/decisions query parameters, as declared in the route spec. */
export interface DecisionQueryParams {
  policy?: string;
  version?: number;
  from?: string;
  until?: string;
  rule?: string;
  field?: string;
  value?: string;
  limit?: number;
  cursor?: string;
}

export async function listDecisions(deps: CandidateDeps, { actor, query }: { actor: Actor; query: DecisionQueryParams }): Promise<DecisionList> {
  assertCan(actor, 'read');
  const limit = query.limit ?? DEFAULT_LIMIT;
  const filter: DecisionFilter = { limit: limit + 1 };
  if (query.policy !== undefined) filter.policy = query.policy;
  if (query.version !== undefined) filter.version = query.version;
  if (query.rule !== undefined) filter.rule = query.rule;
  if (query.from !== undefined) filter.from = instant(query.from, 'from');
  if (query.until !== undefined) filter.until = instant(query.until, 'until');
  if ((query.field === undefined) !== (query.value === undefined)) {
    const missing = query.field === undefined ? 'field' : 'value';
    throw new ServiceError('invalid_query', 'field and value go together: field names a decision field, value the JSON value it must have', [{ path: `/query/${missing}`, message: 'is required with the other' }]);
  }
  if (query.field !== undefined) filter.field = { path: fieldPath(query.field), value: fieldValue(query.value!) };
  if (query.cursor !== undefined) filter.before = decodeCursor(query.cursor);
  const rows = await queryDecisions(deps.db, actor.tenant, filter);
  const page = rows.slice(0, limit);
  const answer: DecisionList = {
    decisions: page.map((d) => ({
      id: d.id, policy: d.policy, version: d.version, at: canonical(d.at), versionAsOf: canonical(d.versionAsOf ?? d.at), pinTo: d.pinTo ?? 'decision', rule: d.rule, decision: d.decision, error: d.error,
      hasTrace: d.hasTrace, keyId: d.keyId, createdAt: d.createdAt, durationMs: d.durationMs,
    })),
  };
  const last = page[page.length - 1];
  if (rows.length > limit && last) answer.nextCursor = Buffer.from(JSON.stringify([last.at, last.id])).toString('base64url');
  return answer;
}

/**
 * One logged decision. `trace: 'recompute'` replays it with tracing on; `explain` replays it and
 * explains it (in `language` if given): evaluation is pure, so the logged input, `at` and
 * version give back the same decision and so the same explanation it had when it was made.
 */
export async function getDecision(deps: CandidateDeps, { actor, id, trace, explain: explaining, language }: { actor: Actor; id: string; trace?: 'recompute'; explain?: boolean; language?: string }): Promise<LoggedDecision> {
  assertCan(actor, 'read');
  const d = await loggedDecision(deps, actor, id);
  const answer: LoggedDecision = {
    id: d.id, tenant: d.tenant, policy: d.policy, version: d.version, at: canonical(d.at), versionAsOf: canonical(d.versionAsOf ?? d.at), pinTo: d.pinTo ?? 'decision', input: d.input as LoggedDecision['input'],
    decision: d.decision, rule: d.rule, error: d.error, keyId: d.keyId, createdAt: d.createdAt, durationMs: d.durationMs,
  };
  if (explaining && d.decision) {
    await policyEntry(deps.cache, actor.tenant, d.policy);
    const compiled = await publishedVersion(deps, actor.tenant, d.policy, d.version, '/version');
    const result = evaluate(compiled, d.input, canonical(d.at), { trace: true });
    if (result.ok && result.trace) answer.explanation = explain(compiled, d.input, result.trace, result.decision, { language: language ?? null, tenantLanguage: await deps.cache.language(actor.tenant) }) as LoggedDecision['explanation'];
  }
  if (trace === 'recompute') {
    await policyEntry(deps.cache, actor.tenant, d.policy);
    const result = evaluate(await publishedVersion(deps, actor.tenant, d.policy, d.version, '/version'), d.input, canonical(d.at), { trace: true });
    if (result.ok && result.trace) return { ...answer, trace: result.trace as unknown as LoggedDecision['trace'], traceSource: 'recomputed' };
    // A decision that failed at run time has no trace to recompute: the error says where.
    return answer;
  }
  return d.trace == null ? answer : { ...answer, trace: d.trace as LoggedDecision['trace'], traceSource: 'stored' };
}

export async function replayDecision(deps: CandidateDeps, { actor, id, input }: { actor: Actor; id: string; input: ReplayRequest }): Promise<ReplayResponse> {
  assertCan(actor, 'read');
  const d = await loggedDecision(deps, actor, id);
  await policyEntry(deps.cache, actor.tenant, d.policy);
  let side: Pick<ReplayOutcome, 'version' | 'draft' | 'etag'>;
  let compiled: CompiledPolicy | null;
  let document: object | null = null;
  if (input.draft) {
    const draft = await draftCandidate(deps, actor.tenant, d.policy, '/draft');
    side = { draft: true, ...(draft.side.etag ? { etag: draft.side.etag } : {}) };
    ({ compiled, document } = draft);
  } else {
    const version = input.version ?? d.version;
    side = { version };
    compiled = await publishedVersion(deps, actor.tenant, d.policy, version, '/version');
  }
  const at = canonical(d.at);
  const logged: ReplayOutcome = { version: d.version, decision: d.decision, error: d.error };
  // The draft is tenant code nobody has published: evaluated in the sandbox when there is one.
  const result = compiled === null || (input.draft && deps.sandbox)
    ? await deps.sandbox!.run({ kind: 'evaluate', document: documentRef(document ?? compiled!.document), input: d.input, at }, '/draft')
    : evaluate(compiled, d.input, at);
  const replayed: ReplayOutcome = { ...side, ...outcome(result) };
  const changes = diff(payload(logged), payload(replayed), '');
  return { id: d.id, policy: d.policy, at, logged, replayed, equal: changes.length === 0, changes };
}

async function loggedDecision(deps: CandidateDeps, actor: Actor, id: string): Promise<DecisionRecord> {
  const d = /^[0-9A-Za-z_-]{1,64}$/.test(id) ? await getDecisionRow(deps.db, actor.tenant, id) : null;
  if (!d) throw new ServiceError('not_found', `decision "${id}" not found`);
  return d;
}

/** The logged form of an evaluation: the decision, or the failure as {path, message}. */
function outcome(r: EvaluateResult): Pick<ReplayOutcome, 'decision' | 'error'> {
  if (r.ok) return { decision: r.decision, error: null };
  if (r.error.kind === 'runtime') return { decision: null, error: { path: r.error.path, message: r.error.message } };
  const problems = r.error.problems.map((p) => ({ path: `/input${p.path}`, message: p.message }));
  return { decision: null, error: { path: '/input', message: 'the logged input does not match this version\'s input schema', problems } };
}

/** What is compared: the decision, or {error} when there is none (as in simulation). */
function payload(o: ReplayOutcome): unknown {
  return o.decision ?? { error: o.error };
}

/** Stored times carry milliseconds; answers use the canonical form decide answered with. */
function canonical(at: string): string {
  return normalizeInstant(at) ?? at;
}

function instant(text: string, name: string): string {
  const at = normalizeInstant(text);
  if (at === null) throw new ServiceError('invalid_query', `"${name}" must be an ISO-8601 date-time with a time zone`, [{ path: `/query/${name}`, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2024-01-20T15:00:00Z' }]);
  return at;
}

/** "eligible", "refundEta.maxBusinessDays", "items.0.rule" or a JSON Pointer "/items/0/rule". */
function fieldPath(field: string): string[] {
  const segments = field.startsWith('/') ? field.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : field.split('.');
  // Plain names only: the path becomes an SQLite JSON path (as a placeholder, but quoted inside).
  if (!segments.length || segments.some((s) => !/^[A-Za-z0-9_-]{1,64}$/.test(s)) || segments.length > 8) {
    throw new ServiceError('invalid_query', 'field must name a decision field, e.g. eligible, refundEta.maxBusinessDays or items.0.rule', [{ path: '/query/field', message: 'must be dotted names (letters, digits, _ and -) or a JSON Pointer' }]);
  }
  return segments;
}

/** A JSON scalar; text that is not JSON is taken as a string (value=changed_mind). */
function fieldValue(text: string): FieldValue {
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (value !== null && typeof value === 'object') {
    throw new ServiceError('invalid_query', 'value must be a JSON scalar (string, number, boolean or null)', [{ path: '/query/value', message: 'must be a string, number, boolean or null' }]);
  }
  return value as FieldValue;
}

function decodeCursor(text: string): { at: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && normalizeInstant(v[0]) !== null) return { at: v[0], id: v[1] };
  } catch {
    // not one of ours
  }
  throw new ServiceError('invalid_query', 'the cursor is not valid: pass the nextCursor of a previous page unchanged', [{ path: '/query/cursor', message: 'is not a cursor of this API' }]);
}
