/**
 * The case sets a simulation runs over, each resolved up front (so every 4xx is raised before
 * an answer or a stream starts) into a count and a lazy iterator:
 *
 *   samples    the tenant's samples that have a request for the policy (all, or by name)
 *   orders     inline {id?, input, at?} from the body
 *   decisions  the policy's logged decisions in [from, until), oldest first, read from the log a
 *              page at a time so a range of 100,000 decisions never sits in memory at once
 *
 * A case's own input problems are not problems of the request: they surface as that case's
 * error in the simulation. Only the request's shape (unknown sample, bad `at`, too many
 * cases) is refused here.
 *
 * @example
 *   const set = await resolveCases(deps, actor.tenant, 'returns', { samples: true }, now);
 *   set.total;                          // 35
 *   for await (const c of set.iterate()) ...
 */
import { normalizeInstant } from '../engine/index.ts';
import type { SimulationCase } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import type { Client } from '../store/client.ts';
import { countDecisionsInRange, decisionsForReplay } from '../store/decisions.ts';
import { listSamples } from '../store/samples.ts';
import type { SimulateRequest } from '../types/schemas.gen.ts';

export type CasesSpec = SimulateRequest['cases'];

/** A case with its position in the set and, for a logged decision, the version that made it. */
export interface IndexedCase extends SimulationCase {
  index: number;
  loggedVersion?: number;
}

export interface CaseSet {
  kind: 'samples' | 'orders' | 'decisions';
  total: number;
  /** The resolved end of a decision range (it defaults to the request time). */
  until?: string;
  iterate(): AsyncIterable<IndexedCase>;
}

/** Rows read from the decision log per query while replaying a range. */
const REPLAY_PAGE = 500;

export async function resolveCases(
  deps: { db: Client; maxCases: number },
  tenant: string,
  policy: string,
  spec: CasesSpec,
  now: string,
): Promise<CaseSet> {
  if ('samples' in spec) return sampleCases(deps, tenant, policy, spec.samples);
  if ('orders' in spec) return orderCases(deps.maxCases, spec.orders, now);
  return decisionCases(deps, tenant, policy, spec.decisions, now);
}

function tooMany(path: string, count: number, max: number): ServiceError {
  return new ServiceError('invalid_body', `a simulation evaluates at most ${max} cases (SIMULATE_MAX_CASES)`, [{ path, message: `holds ${count} cases, more than ${max}` }]);
}

async function sampleCases(deps: { db: Client; maxCases: number }, tenant: string, policy: string, which: true | string[]): Promise<CaseSet> {
  const all = await listSamples(deps.db, tenant);
  const requestOf = (doc: Record<string, unknown>): unknown => (doc.requests as Record<string, unknown> | undefined)?.[policy];
  let chosen = all.filter((s) => requestOf(s.document) !== undefined);
  if (which !== true) {
    const byName = new Map(all.map((s) => [s.name, s]));
    const problems = which.flatMap((name, i) => {
      const s = byName.get(name);
      if (!s) return [{ path: `/cases/samples/${i}`, message: `no sample named ${JSON.stringify(name)}` }];
      return requestOf(s.document) === undefined ? [{ path: `/cases/samples/${i}`, message: `sample ${JSON.stringify(name)} has no request for policy "${policy}"` }] : [];
    });
    if (problems.length) throw new ServiceError('invalid_body', 'some named samples cannot be used with this policy', problems);
    chosen = which.map((name) => byName.get(name)!);
  }
  if (chosen.length > deps.maxCases) throw tooMany('/cases/samples', chosen.length, deps.maxCases);
  const cases: IndexedCase[] = chosen.map((s, index) => ({
    index,
    id: s.name,
    input: { order: s.document.order, request: requestOf(s.document) },
    at: normalizeInstant(s.at) ?? s.at,
  }));
  return { kind: 'samples', total: cases.length, iterate: () => fromArray(cases) };
}

function orderCases(maxCases: number, orders: Array<{ id?: string; input: object; at?: string }>, now: string): CaseSet {
  if (orders.length > maxCases) throw tooMany('/cases/orders', orders.length, maxCases);
  const problems: Array<{ path: string; message: string }> = [];
  const cases: IndexedCase[] = orders.map((o, index) => {
    const at = o.at === undefined ? now : normalizeInstant(o.at);
    if (at === null) problems.push({ path: `/cases/orders/${index}/at`, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2024-01-20T15:00:00Z' });
    const orderId = (o.input as { order?: { id?: unknown } }).order?.id;
    return { index, id: o.id ?? (typeof orderId === 'string' ? orderId : `#${index}`), input: o.input, at: at ?? '' };
  });
  if (problems.length) throw new ServiceError('invalid_body', 'some cases have an invalid "at"', problems);
  return { kind: 'orders', total: cases.length, iterate: () => fromArray(cases) };
}

async function decisionCases(
  deps: { db: Client; maxCases: number },
  tenant: string,
  policy: string,
  range: { from: string; until?: string; limit?: number },
  now: string,
): Promise<CaseSet> {
  const { from, until } = decisionRange(range, now, deps.maxCases);
  const count = await countDecisionsInRange(deps.db, tenant, policy, from, until);
  if (range.limit === undefined && count > deps.maxCases) {
    // Never cut a range silently: the summary would claim to cover what it did not.
    throw new ServiceError('unprocessable', `the range holds ${count} decisions, more than SIMULATE_MAX_CASES (${deps.maxCases}): narrow it or pass cases.decisions.limit`, [
      { path: '/cases/decisions', message: `holds ${count} decisions, more than ${deps.maxCases}` },
    ]);
  }
  const total = Math.min(count, range.limit ?? count);
  async function* iterate(): AsyncGenerator<IndexedCase> {
    let index = 0;
    let after: { at: string; id: string } | undefined;
    while (index < total) {
      const rows = await decisionsForReplay(deps.db, tenant, policy, { from, until, after }, Math.min(REPLAY_PAGE, total - index));
      if (!rows.length) return;
      for (const r of rows) yield { index: index++, id: r.id, input: r.input, at: normalizeInstant(r.at) ?? r.at, loggedVersion: r.version };
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }
  return { kind: 'decisions', total, until, iterate };
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * A simulation's range of logged decisions (`cases.decisions`) as instants: `until` defaults to
 * now; a bad instant, an empty range or a limit beyond SIMULATE_MAX_CASES is a 400 naming its path.
 */
export function decisionRange(range: { from: string; until?: string; limit?: number }, now: string, maxCases: number): { from: string; until: string } {
  const from = normalizeInstant(range.from);
  const until = range.until === undefined ? now : normalizeInstant(range.until);
  const problems = [
    ...(from === null ? [{ path: '/cases/decisions/from', message: 'must be an ISO-8601 date-time with a time zone' }] : []),
    ...(until === null ? [{ path: '/cases/decisions/until', message: 'must be an ISO-8601 date-time with a time zone' }] : []),
    ...(from !== null && until !== null && Date.parse(until) <= Date.parse(from) ? [{ path: '/cases/decisions/until', message: 'must be later than "from"' }] : []),
    ...(range.limit !== undefined && range.limit > maxCases ? [{ path: '/cases/decisions/limit', message: `must be at most ${maxCases} (SIMULATE_MAX_CASES)` }] : []),
  ];
  if (problems.length || from === null || until === null) throw new ServiceError('invalid_body', 'the decision range is not valid', problems);
  return { from, until };
}
