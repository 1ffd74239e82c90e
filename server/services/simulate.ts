/**
 * The simulate verb: decide a set of cases (simulation-cases.ts) with a candidate (the draft, a
 * version or an unsaved document) and a baseline (the version active at each case's `at`, one
 * version, or the version that logged each decision), with the engine's own comparison
 * (engine/simulate.ts, the code the editor runs in the browser), and report the summary over
 * every case plus the changed cases: a page of them (cursor), or all of them as a stream.
 *
 * Work is bounded: at most SIMULATE_MAX_CASES cases, each evaluation within the engine's step
 * budget, the whole run within SIMULATE_TIMEOUT_MS; the loop yields to the event loop every few
 * milliseconds so other tenants' decisions are served meanwhile. Nothing is logged.
 *
 * Paging recomputes the whole set (the summary must cover it) and skips to the cursor; the
 * cursor carries a fingerprint of the body (and the draft's ETag) and the request time, so a
 * next page answers the same question or is refused.
 *
 * @example
 *   const answer = await simulate(deps, { actor, policy: 'returns', input: { candidate: { version: 2 }, cases: { samples: true } } });
 *   answer.summary.changed;       // how many decisions the holiday version changes
 *   for await (const line of await simulateStream(deps, { actor, policy, input })) res.write(JSON.stringify(line) + '\n');
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { normalizeInstant, SummaryBuilder } from '../engine/index.ts';
import type { Activation, CaseResult, CompiledPolicy } from '../engine/index.ts';
import { ServiceError, toProblem } from '../errors.ts';
import type { ChangedCase, FailedCase, ProblemDetails, SimulateRequest, SimulateResponse, SimulateStreamLine, SimulationSide } from '../types/schemas.gen.ts';
import { resolveCandidate } from './simulation-candidate.ts';
import type { CandidateDeps, Resolved } from './simulation-candidate.ts';
import { resolveCases } from './simulation-cases.ts';
import { caseComparer } from './simulation-compare.ts';
import { compareInSandbox, isCaseResult } from '../sandbox/simulation.ts';
import type { UnchangedTally } from '../sandbox/simulation.ts';
import type { CaseSet, IndexedCase } from './simulation-cases.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';

export interface SimulateDeps extends CandidateDeps {
  maxCases: number;
  timeoutMs: number;
  now?: () => Date;
}

export interface SimulateInput {
  actor: Actor;
  policy: string;
  input: SimulateRequest;
}

/** Changed cases per page unless page.limit says otherwise; failed cases listed in an answer. */
export const DEFAULT_PAGE = 100;
export const MAX_LISTED_ERRORS = 100;
/** Synchronous work between two yields to the event loop, and between two progress lines. */
const SLICE_MS = 10;
const PROGRESS_MS = 250;

interface Prepared {
  tenant: string;
  policy: string;
  candidate: Resolved;
  /** A fixed or logged version for the case, or 'active': chosen by the activations (and pinTo). */
  baseline: { side: SimulationSide; versionFor: (c: IndexedCase) => number | 'active' };
  activations: Activation[];
  cases: CaseSet;
  /** Of the question (the body without its page), for cursors: computed only when a cursor is read or written. */
  fingerprint: () => string;
  now: string;
  deadline: number;
}

/** A next-page cursor: the question's fingerprint, the last listed index, the first page's clock. Shared with simulate-tenant.ts. */
export interface Cursor { f: string; i: number; n: string }

/** One page of changed cases, the summary over all, the first failed cases. */
export async function simulate(deps: SimulateDeps, { actor, policy, input }: SimulateInput): Promise<SimulateResponse> {
  const cursor = input.page?.cursor === undefined ? null : decodeCursor(input.page.cursor);
  const p = await prepare(deps, actor, policy, input, cursor?.n);
  if (cursor && cursor.f !== p.fingerprint()) {
    throw new ServiceError('invalid_body', 'the cursor belongs to another simulation (a different body, or the draft changed since): start again without it', [{ path: '/page/cursor', message: 'does not match this simulation' }]);
  }
  const limit = input.page?.limit ?? DEFAULT_PAGE;
  const builder = new SummaryBuilder();
  const changes: ChangedCase[] = [];
  const errors: FailedCase[] = [];
  let more = false;
  for await (const r of run(deps, p)) {
    builder.add(r.result);
    // Every case that changed or failed is a whole CaseResult; the others only count.
    if (!isCaseResult(r.result)) continue;
    if (errors.length < MAX_LISTED_ERRORS && (!r.result.before.ok || !r.result.after.ok)) errors.push(failed(r.case, r.result));
    if (!r.result.changed || (cursor && r.case.index <= cursor.i)) continue;
    if (changes.length < limit) changes.push(changed(r.case, r.baselineVersion, r.result, r.baselineAsOf));
    else more = true;
  }
  const answer: SimulateResponse = { policy, candidate: p.candidate.side, baseline: p.baseline.side, summary: builder.summary(), changes, errors };
  if (more) answer.nextCursor = encodeCursor({ f: p.fingerprint(), i: changes[changes.length - 1]!.index, n: p.now });
  return answer;
}

/**
 * The same simulation as lines for application/x-ndjson: progress (first, then about four
 * times a second), each changed case as soon as it is computed, the first failed cases, and
 * last the summary, or a problem if the run could not finish. Everything a 4xx can come from
 * is checked before the first line, so a stream that starts is a 200.
 */
export async function simulateStream(
  deps: SimulateDeps,
  { actor, policy, input }: SimulateInput,
  options: { signal?: AbortSignal; requestId?: string; onError?: (err: unknown) => void } = {},
): Promise<AsyncGenerator<SimulateStreamLine>> {
  const p = await prepare(deps, actor, policy, input);
  return (async function* lines() {
    const builder = new SummaryBuilder();
    let listedErrors = 0;
    let lastProgress = performance.now();
    yield { progress: { evaluated: 0, total: p.cases.total } };
    try {
      for await (const r of run(deps, p, options.signal)) {
        builder.add(r.result);
        if (isCaseResult(r.result)) {
          if (r.result.changed) yield { change: changed(r.case, r.baselineVersion, r.result, r.baselineAsOf) };
          if (listedErrors < MAX_LISTED_ERRORS && (!r.result.before.ok || !r.result.after.ok)) {
            listedErrors++;
            yield { error: failed(r.case, r.result) };
          }
        }
        if (performance.now() - lastProgress >= PROGRESS_MS) {
          lastProgress = performance.now();
          yield { progress: { evaluated: r.case.index + 1, total: p.cases.total } };
        }
      }
    } catch (err) {
      // Headers are sent: the failure becomes the last line (a 5xx names nothing but the request id).
      if (!(err instanceof ServiceError) || err.status >= 500) options.onError?.(err);
      yield { problem: toProblem(err, options.requestId) as ProblemDetails };
      return;
    }
    yield { policy, candidate: p.candidate.side, baseline: p.baseline.side, summary: builder.summary() };
  })();
}

async function prepare(deps: SimulateDeps, actor: Actor, policy: string, input: SimulateRequest, cursorNow?: string): Promise<Prepared> {
  assertCan(actor, 'write');
  // A next page uses the first page's clock, so defaults derived from "now" do not move.
  const now = cursorNow ?? normalizeInstant((deps.now?.() ?? new Date()).toISOString())!;
  const deadline = performance.now() + deps.timeoutMs;
  const { entry, candidate, fixedBaseline } = await resolveCandidate(deps, actor.tenant, policy, input);
  const baselineSpec = input.baseline ?? { active: true as const };
  if ('logged' in baselineSpec && !('decisions' in input.cases)) {
    throw new ServiceError('invalid_body', 'baseline {"logged": true} compares with the version that made each logged decision: use it with cases.decisions', [{ path: '/baseline/logged', message: 'needs cases.decisions' }]);
  }
  const cases = await resolveCases(deps, actor.tenant, policy, input.cases, now);
  const versionFor = (c: IndexedCase): number | 'active' => {
    if (fixedBaseline) return fixedBaseline.version;
    if ('logged' in baselineSpec && c.loggedVersion !== undefined) return c.loggedVersion;
    return 'active';
  };
  const side: SimulationSide = fixedBaseline ? { version: fixedBaseline.version } : 'logged' in baselineSpec ? { logged: true } : { active: true };
  const { page: _page, ...question } = input;
  // Hashing the body is a tenth of a 100,000-order run (its JSON text alone is ~60 MB): only a
  // paged answer with a cursor needs it, never a stream or a single page.
  let digest: string | undefined;
  const fingerprint = (): string =>
    (digest ??= createHash('sha256')
      .update(JSON.stringify([actor.tenant, policy, question, candidate.side.etag ?? null]))
      .digest('base64url')
      .slice(0, 16));
  return { tenant: actor.tenant, policy, candidate, baseline: { side, versionFor }, activations: entry.activations, cases, fingerprint, now, deadline };
}

interface RunResult { case: IndexedCase; baselineVersion: number | null; baselineAsOf?: string; result: CaseResult | UnchangedTally }

/** Compares every case, yielding to the event loop between slices and stopping at the deadline. */
async function* run(deps: SimulateDeps, p: Prepared, signal?: AbortSignal): AsyncGenerator<RunResult> {
  if (deps.sandbox) {
    const cases = compareInSandbox({
      sandbox: deps.sandbox, cache: deps.cache, tenant: p.tenant, policy: p.policy, activations: p.activations,
      candidate: p.candidate.document, cases: p.cases.iterate(), versionFor: p.baseline.versionFor, ...(signal ? { signal } : {}),
    });
    for await (const r of cases) {
      yield r;
      if (performance.now() > p.deadline) {
        throw new ServiceError('unprocessable', `the simulation ran past SIMULATE_TIMEOUT_MS (${deps.timeoutMs} ms) after ${r.case.index + 1} of ${p.cases.total} cases: simulate fewer cases`);
      }
    }
    return;
  }
  const compare = caseComparer(deps.cache, p.tenant, p.policy, p.activations, p.candidate);
  let slice = performance.now();
  for await (const c of p.cases.iterate()) {
    if (signal?.aborted) return;
    const { result, baselineVersion, baselineAsOf } = await compare(c, p.baseline.versionFor(c));
    yield { case: c, baselineVersion, ...(baselineAsOf === undefined ? {} : { baselineAsOf }), result };
    const t = performance.now();
    if (t > p.deadline) {
      throw new ServiceError('unprocessable', `the simulation ran past SIMULATE_TIMEOUT_MS (${deps.timeoutMs} ms) after ${c.index + 1} of ${p.cases.total} cases: simulate fewer cases`);
    }
    if (t - slice >= SLICE_MS) {
      await yieldToEventLoop();
      slice = performance.now();
    }
  }
}

function changed(c: IndexedCase, baselineVersion: number | null, r: CaseResult, baselineAsOf?: string): ChangedCase {
  return {
    index: c.index,
    id: c.id,
    at: c.at,
    baselineVersion,
    ...(baselineAsOf === undefined ? {} : { baselineAsOf }),
    before: r.before.ok ? r.before.decision : { error: r.before.error },
    after: r.after.ok ? r.after.decision : { error: r.after.error },
    ruleBefore: r.ruleBefore,
    ruleAfter: r.ruleAfter,
    changes: r.changes,
  };
}

function failed(c: IndexedCase, r: CaseResult): FailedCase {
  return { index: c.index, id: c.id, at: c.at, ...(r.before.ok ? {} : { before: r.before.error }), ...(r.after.ok ? {} : { after: r.after.error }) };
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.f === 'string' && Number.isSafeInteger(c.i) && c.i >= 0 && typeof c.n === 'string' && normalizeInstant(c.n) === c.n) return c;
  } catch {
    // fall through: not one of ours
  }
  throw new ServiceError('invalid_body', 'the cursor is not valid: pass the nextCursor of a previous answer unchanged', [{ path: '/page/cursor', message: 'is not a cursor of this API' }]);
}
