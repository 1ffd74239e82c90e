/**
 * The tenant-wide what-if (POST /v1/simulate): several policies of one tenant over the same
 * orders, with one combined summary. Each changed policy's candidate (draft, version or unsaved
 * document) is compared with the version that decides each case today, exactly as the policy
 * simulation compares (simulation-compare.ts: the active version, pinTo included, and the
 * engine's compareCase); policies listed as unchanged are decided once per case for the
 * combined view. An order is decided by every policy of the simulation it has a request for
 * (a sample's `requests`, or an inline order's), all at the order's `at`.
 *
 * The summary: per policy the same summary as the policy simulation (SummaryBuilder); per order
 * which policies' decisions changed; combined: orders, changed orders, decisions evaluated and
 * changed, rule transitions with their policy, and per decision field the changes of every
 * policy added up. Bounded like the policy simulation (SIMULATE_MAX_CASES decisions,
 * SIMULATE_TIMEOUT_MS, yielding to the event loop every few ms). Nothing is logged.
 *
 * Policy keys in the body are looked up under the caller's tenant: another tenant's key is
 * answered exactly as a key nobody has (422 naming the body path).
 *
 * @example
 *   const answer = await simulateTenant(deps, { actor, input: {
 *     changes: [{ policy: 'returns', candidate: { draft: true } }, { policy: 'points', candidate: { version: 2 } }],
 *     policies: ['cancellation'], cases: { samples: true } } });
 *   answer.summary.changedOrders; answer.summary.byPolicy.points.fields['/earned'];
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { normalizeInstant, SummaryBuilder } from '../engine/index.ts';
import type { CaseResult, CompiledPolicy, FieldMovement, SimulationCase, SimulationSummary } from '../engine/index.ts';
import { decimalSum } from '../engine/operators/money.ts';
import { ServiceError, toProblem } from '../errors.ts';
import { countDecisionsInRange, decisionsForReplay } from '../store/decisions.ts';
import { listSamples } from '../store/samples.ts';
import type { ChangedCase, ChangedOrder, FailedTenantDecision, ProblemDetails, SimulateTenantRequest, SimulateTenantResponse, SimulateTenantStreamLine, SimulationSide, TenantSimulationPolicy, TenantSimulationSummary } from '../types/schemas.gen.ts';
import type { PolicyCache, PolicyEntry } from './policy-cache.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { decodeCursor, encodeCursor } from './simulate.ts';
import type { SimulateDeps } from './simulate.ts';
import type { Sandbox } from '../sandbox/pool.ts';
import { documentCandidate, draftCandidate, publishedVersion } from './simulation-candidate.ts';
import { decisionRange } from './simulation-cases.ts';
import { caseComparer } from './simulation-compare.ts';
import type { Candidate } from './simulation-compare.ts';

export interface SimulateTenantInput {
  actor: Actor;
  input: SimulateTenantRequest;
}

export const DEFAULT_ORDERS = 100;
export const MAX_LISTED_ERRORS = 100;
const SLICE_MS = 10;
const PROGRESS_MS = 250;
const POLICY_KEY = /^[a-z][a-z0-9-]{0,62}$/;

interface PolicyRun {
  policy: string;
  side: TenantSimulationPolicy;
  compare: ReturnType<typeof caseComparer>;
  summary: SummaryBuilder;
}

interface Order {
  index: number;
  id: string;
  /** The instant it is decided at (for logged decisions: the latest of its decisions). */
  at: string;
  /** Per policy of the simulation that decides it: the decision input and its instant. */
  cases: Map<string, { input: unknown; at: string }>;
}

interface Prepared {
  runs: PolicyRun[];
  orders: Order[];
  deadline: number;
  /** The request's clock (defaults of `at` and of a range's end), kept by the cursor across pages. */
  now: string;
  /** Of the question (the body without its page, the drafts' ETags), for cursors. */
  fingerprint: () => string;
}

/**
 * The whole simulation as one answer: the summary over every order, one page of changed orders
 * (after the cursor's, at most page.limit), the first failed decisions. Every page recomputes
 * the run (the summary must cover it); the cursor ties the next page to the same question (the
 * body without its page, the drafts' ETags) and the first page's clock.
 */
export async function simulateTenant(deps: SimulateDeps, { actor, input }: SimulateTenantInput): Promise<SimulateTenantResponse> {
  const cursor = input.page?.cursor === undefined ? null : decodeCursor(input.page.cursor);
  const p = await prepare(deps, actor, input, cursor?.n);
  if (cursor && cursor.f !== p.fingerprint()) {
    throw new ServiceError('invalid_body', 'the cursor belongs to another simulation (a different body, or a draft changed since): start again without it', [{ path: '/page/cursor', message: 'does not match this simulation' }]);
  }
  const limit = input.page?.limit ?? DEFAULT_ORDERS;
  const combined = new CombinedSummary(p.runs);
  const orders: ChangedOrder[] = [];
  const errors: FailedTenantDecision[] = [];
  let more = 0;
  for await (const r of run(deps, p)) {
    combined.add(r);
    if (errors.length < MAX_LISTED_ERRORS) errors.push(...r.failed.slice(0, MAX_LISTED_ERRORS - errors.length));
    if (!r.changed || (cursor && r.order.index <= cursor.i)) continue;
    if (orders.length < limit) orders.push(r.changed);
    else more++;
  }
  const answer: SimulateTenantResponse = { policies: p.runs.map((x) => x.side), summary: combined.summary(), orders, errors };
  if (more) {
    answer.more = more;
    answer.nextCursor = encodeCursor({ f: p.fingerprint(), i: orders[orders.length - 1]!.index, n: p.now });
  }
  return answer;
}

/**
 * The same run as NDJSON lines: progress, each changed order as soon as it is compared, the
 * first failed decisions, and last the summary (or a problem). Every 4xx is raised before the
 * first line, so a stream that starts is a 200.
 */
export async function simulateTenantStream(
  deps: SimulateDeps,
  { actor, input }: SimulateTenantInput,
  options: { signal?: AbortSignal; requestId?: string; onError?: (err: unknown) => void } = {},
): Promise<AsyncGenerator<SimulateTenantStreamLine>> {
  const p = await prepare(deps, actor, input);
  return (async function* lines() {
    const combined = new CombinedSummary(p.runs);
    let listedErrors = 0;
    let lastProgress = performance.now();
    yield { progress: { evaluated: 0, total: p.orders.length } };
    try {
      for await (const r of run(deps, p, options.signal)) {
        combined.add(r);
        if (r.changed) yield { order: r.changed };
        for (const error of r.failed) {
          if (listedErrors >= MAX_LISTED_ERRORS) break;
          listedErrors++;
          yield { error };
        }
        if (performance.now() - lastProgress >= PROGRESS_MS) {
          lastProgress = performance.now();
          yield { progress: { evaluated: r.order.index + 1, total: p.orders.length } };
        }
      }
    } catch (err) {
      if (!(err instanceof ServiceError) || err.status >= 500) options.onError?.(err);
      yield { problem: toProblem(err, options.requestId) as ProblemDetails };
      return;
    }
    yield { policies: p.runs.map((x) => x.side), summary: combined.summary() };
  })();
}

async function prepare(deps: SimulateDeps, actor: Actor, input: SimulateTenantRequest, cursorNow?: string): Promise<Prepared> {
  assertCan(actor, 'write');
  // A next page uses the first page's clock, so defaults derived from "now" do not move.
  const now = cursorNow ?? normalizeInstant((deps.now?.() ?? new Date()).toISOString())!;
  const deadline = performance.now() + deps.timeoutMs;
  const tenant = actor.tenant;

  // Every policy named must be the tenant's, once: all such problems in one answer.
  const problems: Array<{ path: string; message: string }> = [];
  const seen = new Map<string, string>();
  const named = [
    ...input.changes.map((c, i) => ({ policy: c.policy, path: `/changes/${i}/policy` })),
    ...(input.policies ?? []).map((policy, i) => ({ policy, path: `/policies/${i}` })),
  ];
  const entries = new Map<string, PolicyEntry>();
  for (const { policy, path } of named) {
    const earlier = seen.get(policy);
    if (earlier) {
      problems.push({ path, message: `policy "${policy}" is already in the simulation at ${earlier}` });
      continue;
    }
    seen.set(policy, path);
    const entry = await tenantPolicy(deps.cache, tenant, policy);
    if (entry) entries.set(policy, entry);
    else problems.push({ path, message: `no policy "${policy}"` });
  }
  if (problems.length) throw new ServiceError('unprocessable', 'the simulation names policies it cannot use', problems);

  const runs: PolicyRun[] = [];
  for (const [i, change] of input.changes.entries()) {
    const path = `/changes/${i}/candidate`;
    const spec = change.candidate;
    let candidate: Candidate;
    let side: SimulationSide;
    if ('version' in spec) {
      const compiled = await publishedVersion(deps, tenant, change.policy, spec.version, `${path}/version`);
      candidate = { compiled, document: compiled.document };
      side = { version: spec.version };
    } else {
      // A draft or document is tenant code nobody has published: checked (and later compared) in the sandbox.
      const resolved = 'draft' in spec ? await draftCandidate(deps, tenant, change.policy, `${path}/draft`) : await documentCandidate(deps, change.policy, spec.document, `${path}/document`);
      candidate = resolved;
      side = resolved.side;
    }
    runs.push(policyRun(deps.cache, tenant, entries.get(change.policy)!, candidate, side, deps.sandbox ? { sandbox: deps.sandbox, subject: path } : undefined));
  }
  for (const policy of input.policies ?? []) runs.push(policyRun(deps.cache, tenant, entries.get(policy)!, null, { active: true }));

  const orders = await resolveOrders(deps, tenant, new Set(runs.map((r) => r.policy)), input.cases, now);
  const total = orders.reduce((n, o) => n + o.cases.size, 0);
  if (total > deps.maxCases) {
    throw new ServiceError('invalid_body', `a simulation evaluates at most ${deps.maxCases} decisions (SIMULATE_MAX_CASES)`, [{ path: '/cases', message: `holds ${total} decisions (orders times their policies), more than ${deps.maxCases}` }]);
  }
  const { page: _page, ...question } = input;
  let digest: string | undefined;
  const fingerprint = (): string =>
    (digest ??= createHash('sha256')
      .update(JSON.stringify([tenant, question, runs.map((r) => r.side.candidate.etag ?? null)]))
      .digest('base64url')
      .slice(0, 16));
  return { runs, orders, deadline, now, fingerprint };
}

async function tenantPolicy(cache: PolicyCache, tenant: string, policy: string): Promise<PolicyEntry | null> {
  return POLICY_KEY.test(policy) ? cache.policy(tenant, policy) : null;
}

function policyRun(cache: PolicyCache, tenant: string, entry: PolicyEntry, candidate: Candidate | null, side: SimulationSide, sandbox?: { sandbox: Sandbox; subject: string }): PolicyRun {
  return {
    policy: entry.key,
    side: { policy: entry.key, changed: candidate !== null, candidate: candidate ? side : { active: true }, baseline: { active: true } },
    compare: caseComparer(cache, tenant, entry.key, entry.activations, candidate, sandbox),
    summary: new SummaryBuilder(),
  };
}

/** The orders, each with its decision inputs for the policies of the simulation (other policies' requests dropped). */
async function resolveOrders(deps: SimulateDeps, tenant: string, policies: Set<string>, cases: SimulateTenantRequest['cases'], now: string): Promise<Order[]> {
  if ('decisions' in cases) return loggedOrders(deps, tenant, [...policies], cases.decisions, now);
  const keep = (requests: unknown): Record<string, unknown> =>
    Object.fromEntries(Object.entries((requests ?? {}) as Record<string, unknown>).filter(([p]) => policies.has(p)));
  const inputs = (order: unknown, requests: Record<string, unknown>, at: string) => new Map(Object.entries(requests).map(([policy, request]) => [policy, { input: { order, request }, at }]));
  if ('samples' in cases) {
    const all = await listSamples(deps.db, tenant);
    let chosen = all.filter((s) => Object.keys(keep(s.document.requests)).length > 0);
    if (cases.samples !== true) {
      const byName = new Map(all.map((s) => [s.name, s]));
      const problems = cases.samples.flatMap((name, i) => {
        const s = byName.get(name);
        if (!s) return [{ path: `/cases/samples/${i}`, message: `no sample named ${JSON.stringify(name)}` }];
        return Object.keys(keep(s.document.requests)).length ? [] : [{ path: `/cases/samples/${i}`, message: `sample ${JSON.stringify(name)} has no request for any policy of the simulation` }];
      });
      if (problems.length) throw new ServiceError('invalid_body', 'some named samples cannot be used in this simulation', problems);
      chosen = cases.samples.map((name) => byName.get(name)!);
    }
    return chosen.map((s, index) => {
      const at = normalizeInstant(s.at) ?? s.at;
      return { index, id: s.name, at, cases: inputs(s.document.order, keep(s.document.requests), at) };
    });
  }
  const problems: Array<{ path: string; message: string }> = [];
  const orders = cases.orders.map((o, index) => {
    const at = o.at === undefined ? now : normalizeInstant(o.at);
    if (at === null) problems.push({ path: `/cases/orders/${index}/at`, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2024-01-20T15:00:00Z' });
    const requests = keep(o.requests);
    if (!Object.keys(requests).length) problems.push({ path: `/cases/orders/${index}/requests`, message: `has no request for any policy of the simulation (${[...policies].join(', ')})` });
    const orderId = (o.order as { id?: unknown }).id;
    return { index, id: o.id ?? (typeof orderId === 'string' ? orderId : `#${index}`), at: at ?? '', cases: inputs(o.order, requests, at ?? '') };
  });
  if (problems.length) throw new ServiceError('invalid_body', 'some orders cannot be simulated', problems);
  return orders;
}

/** Rows read from the decision log per query. */
const LOG_PAGE = 500;

/**
 * Logged decisions as orders: each policy's decisions with `at` in [from, until), oldest first (at
 * most `limit` per policy), grouped by the order they decided (input.order.id; a decision without
 * one is an order of its own). Per order and policy the latest decision in the range counts (a
 * question asked again supersedes the earlier answer); each is decided again at its own `at`.
 * The orders come in the order of their latest decision.
 */
async function loggedOrders(deps: SimulateDeps, tenant: string, policies: string[], range: { from: string; until?: string; limit?: number }, now: string): Promise<Order[]> {
  const { from, until } = decisionRange(range, now, deps.maxCases);
  let total = 0;
  const counts = new Map<string, number>();
  for (const policy of policies) {
    const count = await countDecisionsInRange(deps.db, tenant, policy, from, until);
    counts.set(policy, Math.min(count, range.limit ?? count));
    total += counts.get(policy)!;
  }
  if (total > deps.maxCases) {
    // Never cut a range silently: the summary would claim to cover what it did not.
    throw new ServiceError('unprocessable', `the range holds ${total} decisions of these policies, more than SIMULATE_MAX_CASES (${deps.maxCases}): narrow it or pass cases.decisions.limit`, [
      { path: '/cases/decisions', message: `holds ${total} decisions, more than ${deps.maxCases}` },
    ]);
  }
  const byOrder = new Map<string, { id: string; at: string; cases: Map<string, { input: unknown; at: string }> }>();
  for (const policy of policies) {
    let read = 0;
    let after: { at: string; id: string } | undefined;
    while (read < counts.get(policy)!) {
      const rows = await decisionsForReplay(deps.db, tenant, policy, { from, until, after }, Math.min(LOG_PAGE, counts.get(policy)! - read));
      if (!rows.length) break;
      for (const row of rows) {
        const at = normalizeInstant(row.at) ?? row.at;
        const orderId = (row.input as { order?: { id?: unknown } } | null)?.order?.id;
        const key = typeof orderId === 'string' ? `order:${orderId}` : `decision:${row.id}`;
        const group = byOrder.get(key) ?? { id: typeof orderId === 'string' ? orderId : row.id, at, cases: new Map() };
        // Oldest first: a later decision of the same order and policy replaces the earlier one.
        group.cases.set(policy, { input: row.input, at });
        if (at > group.at) group.at = at;
        byOrder.set(key, group);
      }
      read += rows.length;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }
  return [...byOrder.values()]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id.localeCompare(b.id)))
    .map((o, index) => ({ index, ...o }));
}

interface OrderResult {
  order: Order;
  /** Per policy that decided the order (policy order), its comparison. */
  results: Array<{ run: PolicyRun; result: CaseResult; currency: string }>;
  changed: ChangedOrder | null;
  failed: FailedTenantDecision[];
}

/** The order's currency ("" when the input has none: its own bucket). */
function currencyOf(input: unknown): string {
  const currency = (input as { order?: { currency?: unknown } } | null)?.order?.currency;
  return typeof currency === 'string' ? currency : '';
}

/** Every order through every policy it has a request for, yielding between slices, stopping at the deadline. */
async function* run(deps: SimulateDeps, p: Prepared, signal?: AbortSignal): AsyncGenerator<OrderResult> {
  let slice = performance.now();
  for (const order of p.orders) {
    if (signal?.aborted) return;
    const results: OrderResult['results'] = [];
    const decisions: Record<string, ChangedCase> = {};
    const failed: FailedTenantDecision[] = [];
    for (const r of p.runs) {
      const one = order.cases.get(r.policy);
      if (one === undefined) continue;
      const c: SimulationCase = { id: order.id, input: one.input, at: one.at };
      const { result, baselineVersion, baselineAsOf } = await r.compare(c, 'active');
      results.push({ run: r, result, currency: currencyOf(one.input) });
      if (result.changed) {
        decisions[r.policy] = {
          index: order.index, id: order.id, at: c.at, baselineVersion, ...(baselineAsOf === undefined ? {} : { baselineAsOf }),
          before: result.before.ok ? result.before.decision : { error: result.before.error },
          after: result.after.ok ? result.after.decision : { error: result.after.error },
          ruleBefore: result.ruleBefore, ruleAfter: result.ruleAfter, changes: result.changes,
        };
      }
      if (!result.before.ok || !result.after.ok) {
        failed.push({ policy: r.policy, index: order.index, id: order.id, at: c.at, ...(result.before.ok ? {} : { before: result.before.error }), ...(result.after.ok ? {} : { after: result.after.error }) });
      }
    }
    const changedPolicies = results.filter((x) => x.result.changed).map((x) => x.run.policy);
    const changed = changedPolicies.length
      ? { index: order.index, id: order.id, at: order.at, changed: changedPolicies, unchanged: results.filter((x) => !x.result.changed).map((x) => x.run.policy), decisions }
      : null;
    yield { order, results, changed, failed };
    const t = performance.now();
    if (t > p.deadline) {
      throw new ServiceError('unprocessable', `the simulation ran past SIMULATE_TIMEOUT_MS (${deps.timeoutMs} ms) after ${order.index + 1} of ${p.orders.length} orders: simulate fewer orders`);
    }
    if (t - slice >= SLICE_MS) {
      await yieldToEventLoop();
      slice = performance.now();
    }
  }
}

/**
 * Per policy the policy simulation's summary, per order whether anything changed, and the
 * combination; the money again per currency of the orders (input.order.currency), since adding
 * dollars to won means nothing.
 */
class CombinedSummary {
  private orders = 0;
  private changedOrders = 0;
  /** Per currency, per policy: the changed decisions only (their fields are what moved). */
  private readonly perCurrency = new Map<string, Map<string, SummaryBuilder>>();

  constructor(private readonly runs: PolicyRun[]) {}

  add(r: OrderResult): void {
    if (!r.results.length) return;
    this.orders++;
    if (r.changed) this.changedOrders++;
    for (const { run, result, currency } of r.results) {
      run.summary.add(result);
      if (!result.changed) continue;
      let byPolicy = this.perCurrency.get(currency);
      if (!byPolicy) this.perCurrency.set(currency, (byPolicy = new Map()));
      let b = byPolicy.get(run.policy);
      if (!b) byPolicy.set(run.policy, (b = new SummaryBuilder()));
      b.add(result);
    }
  }

  summary(): TenantSimulationSummary {
    const byPolicy: Record<string, SimulationSummary> = {};
    for (const r of this.runs) byPolicy[r.policy] = r.summary.summary();
    const all = Object.entries(byPolicy);
    const fields = combine(all.map(([, s]) => s.fields));
    const byCurrency: TenantSimulationSummary['byCurrency'] = {};
    for (const [currency, policies] of [...this.perCurrency.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const each = Object.fromEntries([...policies.entries()].map(([policy, b]) => [policy, b.summary().fields]));
      byCurrency[currency] = { fields: combine(Object.values(each)), byPolicy: each };
    }
    const byRule = all
      .flatMap(([policy, s]) => s.byRule.map((t) => ({ policy, ...t })))
      .sort((a, b) => b.count - a.count || a.policy.localeCompare(b.policy) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    return {
      orders: this.orders,
      changedOrders: this.changedOrders,
      unchangedOrders: this.orders - this.changedOrders,
      evaluated: all.reduce((n, [, s]) => n + s.evaluated, 0),
      changed: all.reduce((n, [, s]) => n + s.changed, 0),
      errors: { before: all.reduce((n, [, s]) => n + s.errors.before, 0), after: all.reduce((n, [, s]) => n + s.errors.after, 0) },
      byPolicy,
      byRule,
      fields,
      byCurrency,
    };
  }
}

/** Field movements added up over several summaries, by field. */
function combine(list: Array<Record<string, FieldMovement | undefined>>): Record<string, FieldMovement> {
  const fields = new Map<string, FieldMovement>();
  for (const one of list) {
    for (const [field, m] of Object.entries(one)) {
      if (!m) continue;
      const sum = fields.get(field) ?? { changed: 0, up: 0, down: 0, net: 0 };
      sum.changed += m.changed;
      sum.up = decimalSum([sum.up, m.up]);
      sum.down = decimalSum([sum.down, m.down]);
      sum.net = decimalSum([sum.up, -sum.down]);
      fields.set(field, sum);
    }
  }
  return Object.fromEntries([...fields.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
