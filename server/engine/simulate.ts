/**
 * Simulation: decide the same cases with a baseline policy (the active version) and a
 * candidate (a draft or another version), and report every decision that changes and a
 * summary: how many were evaluated and changed, the rule transitions, and for every numeric
 * field how much moved up and down. Pure and incremental, so the server can stream or page
 * a large set and the editor can show progress while it runs the same code in the browser.
 *
 * @example
 *   const run = simulateAll(active, draft, cases);
 *   run.summary.changed;                          // 3
 *   run.summary.fields['/refundAmount'];          // { changed: 3, up: 412.5, down: 0, net: 412.5 }
 */
import { evaluate, evaluateAccepted, normalizeInstant } from './evaluate.ts';
import type { Decision, EvaluateOptions, EvaluationError } from './evaluate.ts';
import { decimalSum } from './operators/money.ts';
import type { CompiledPolicy } from './policy.ts';

export interface SimulationCase {
  /** The sample name, order id or logged decision id this case comes from. */
  id: string;
  input: unknown;
  /** The instant the case is decided at. */
  at: string;
}

export type CaseOutcome = { ok: true; decision: Decision } | { ok: false; error: EvaluationError };

export interface FieldChange {
  /** JSON Pointer into the decision. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface CaseResult {
  id: string;
  at: string;
  changed: boolean;
  before: CaseOutcome;
  after: CaseOutcome;
  /** The rule that decided, or "error:input" / "error:runtime". */
  ruleBefore: string;
  ruleAfter: string;
  changes: FieldChange[];
}

/**
 * What the summary needs of a case (SummaryBuilder.add): whether it changed and each side
 * failed, the rules and the changes, not the decisions. A CaseResult is one; the sandbox
 * answers an unchanged case that both sides decided with only this.
 */
export interface CaseTally {
  changed: boolean;
  before: { ok: boolean };
  after: { ok: boolean };
  ruleBefore: string;
  ruleAfter: string;
  changes: readonly FieldChange[];
}

export interface FieldMovement {
  /** Decisions in which this field changed. */
  changed: number;
  /** Sum of the increases, of the decreases (as a positive number), and the net change. */
  up: number;
  down: number;
  net: number;
}

export interface SimulationSummary {
  evaluated: number;
  changed: number;
  unchanged: number;
  errors: { before: number; after: number };
  /** Rule transitions among the changed decisions, most frequent first. */
  byRule: Array<{ from: string; to: string; count: number }>;
  /** Per field (array indexes written as []: "/items/[]/refundAmount"), numeric fields only for the sums. */
  fields: Record<string, FieldMovement>;
}

export interface SimulateOptions {
  /** Options for the candidate's evaluation (e.g. param overrides for a what-if). */
  candidate?: EvaluateOptions;
  baseline?: EvaluateOptions;
}

/** Decides one case with both policies and compares the answers. */
export function compareCase(baseline: CompiledPolicy, candidate: CompiledPolicy, c: SimulationCase, options: SimulateOptions = {}): CaseResult {
  const first = evaluate(baseline, c.input, c.at, options.baseline);
  // The same validator (same input schema) accepted the input and `at` for the baseline: the
  // candidate would check it again to the same answer.
  const accepted = candidate.validateInput === baseline.validateInput && (first.ok || first.error.kind !== 'input');
  const before = outcome(first);
  const after = outcome(accepted ? evaluateAccepted(candidate, c.input, normalizeInstant(c.at)!, options.candidate) : evaluate(candidate, c.input, c.at, options.candidate));
  const changes = diff(payload(before), payload(after), '');
  return { id: c.id, at: c.at, changed: changes.length > 0, before, after, ruleBefore: ruleOf(before), ruleAfter: ruleOf(after), changes };
}

/** Lazily compares every case: pull as many as a page or a progress tick needs. */
export function* simulate(baseline: CompiledPolicy, candidate: CompiledPolicy, cases: Iterable<SimulationCase>, options: SimulateOptions = {}): Generator<CaseResult> {
  for (const c of cases) yield compareCase(baseline, candidate, c, options);
}

/** Runs every case; returns the summary and only the changed decisions. */
export function simulateAll(baseline: CompiledPolicy, candidate: CompiledPolicy, cases: Iterable<SimulationCase>, options: SimulateOptions = {}): { summary: SimulationSummary; changes: CaseResult[] } {
  const builder = new SummaryBuilder();
  const changes: CaseResult[] = [];
  for (const result of simulate(baseline, candidate, cases, options)) {
    builder.add(result);
    if (result.changed) changes.push(result);
  }
  return { summary: builder.summary(), changes };
}

/** Accumulates the summary one case at a time (constant memory in the number of cases). */
export class SummaryBuilder {
  private evaluated = 0;
  private changed = 0;
  private errorsBefore = 0;
  private errorsAfter = 0;
  private readonly transitions = new Map<string, { from: string; to: string; count: number }>();
  private readonly fields = new Map<string, FieldMovement>();
  private readonly fieldNames = new Map<string, string>();
  /** Per field, the number of the last case that counted it as changed. */
  private readonly lastSeen = new Map<string, number>();
  private caseNumber = 0;

  add(result: CaseTally): void {
    this.evaluated++;
    if (!result.before.ok) this.errorsBefore++;
    if (!result.after.ok) this.errorsAfter++;
    if (!result.changed) return;
    this.changed++;
    const key = `${result.ruleBefore}\u0000${result.ruleAfter}`;
    const t = this.transitions.get(key) ?? { from: result.ruleBefore, to: result.ruleAfter, count: 0 };
    t.count++;
    this.transitions.set(key, t);
    // A field changed in several items of one decision counts once for the decision.
    const seen = ++this.caseNumber;
    for (const change of result.changes) {
      const field = this.fieldOf(change.path);
      let m = this.fields.get(field);
      if (!m) {
        m = { changed: 0, up: 0, down: 0, net: 0 };
        this.fields.set(field, m);
      }
      if (this.lastSeen.get(field) !== seen) {
        m.changed++;
        this.lastSeen.set(field, seen);
      }
      const delta = numericDelta(change.before, change.after);
      if (delta > 0) m.up = decimalSum([m.up, delta]);
      if (delta < 0) m.down = decimalSum([m.down, -delta]);
      if (delta !== 0) m.net = decimalSum([m.up, -m.down]);
    }
  }

  /** The field of a JSON Pointer, array indexes as []: the same few paths recur in every case. */
  private fieldOf(path: string): string {
    let field = this.fieldNames.get(path);
    if (field === undefined) {
      field = path.replace(/\/\d+(?=\/|$)/g, '/[]');
      if (this.fieldNames.size < 10_000) this.fieldNames.set(path, field);
    }
    return field;
  }

  summary(): SimulationSummary {
    return {
      evaluated: this.evaluated,
      changed: this.changed,
      unchanged: this.evaluated - this.changed,
      errors: { before: this.errorsBefore, after: this.errorsAfter },
      byRule: [...this.transitions.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      fields: Object.fromEntries([...this.fields.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}

/** A number that appears or disappears counts from 0, so a new fee shows as money moved. */
function numericDelta(before: unknown, after: unknown): number {
  const b = typeof before === 'number' ? before : before === undefined || before === null ? 0 : NaN;
  const a = typeof after === 'number' ? after : after === undefined || after === null ? 0 : NaN;
  if (Number.isNaN(a) || Number.isNaN(b) || (typeof before !== 'number' && typeof after !== 'number')) return 0;
  return decimalSum([a, -b]);
}

function outcome(r: ReturnType<typeof evaluate>): CaseOutcome {
  return r.ok ? { ok: true, decision: r.decision } : { ok: false, error: r.error };
}

function payload(o: CaseOutcome): unknown {
  return o.ok ? o.decision : { error: o.error };
}

function ruleOf(o: CaseOutcome): string {
  return o.ok ? String(o.decision.rule) : `error:${o.error.kind}`;
}

/** The leaves that differ between two JSON values, as JSON Pointers. */
export function diff(before: unknown, after: unknown, path: string): FieldChange[] {
  const out: FieldChange[] = [];
  diffInto(before, after, path, out);
  return out;
}

/**
 * diff() into one list: no intermediate arrays or key sets (a simulation diffs two decisions
 * per case, and this was a sixth of a 100,000-case run with the garbage it made). Keys in the
 * same order as before: `before`'s own keys, then those only `after` has.
 */
function diffInto(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (Object.is(before, after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) diffInto(before[i], after[i], `${path}/${i}`, out);
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const k in before) {
      if (hasOwn.call(before, k)) diffInto(before[k], after[k], `${path}/${escapeKey(k)}`, out);
    }
    for (const k in after) {
      if (hasOwn.call(after, k) && !hasOwn.call(before, k)) diffInto(undefined, after[k], `${path}/${escapeKey(k)}`, out);
    }
    return;
  }
  out.push({ path, before, after });
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A key as a JSON Pointer token (RFC 6901: ~ as ~0, / as ~1). */
function escapeKey(k: string): string {
  return k.includes('~') || k.includes('/') ? k.replace(/~/g, '~0').replace(/\//g, '~1') : k;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
