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
import { evaluate } from './evaluate.ts';
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
  const before = outcome(evaluate(baseline, c.input, c.at, options.baseline));
  const after = outcome(evaluate(candidate, c.input, c.at, options.candidate));
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

  add(result: CaseResult): void {
    this.evaluated++;
    if (!result.before.ok) this.errorsBefore++;
    if (!result.after.ok) this.errorsAfter++;
    if (!result.changed) return;
    this.changed++;
    const key = `${result.ruleBefore}\u0000${result.ruleAfter}`;
    const t = this.transitions.get(key) ?? { from: result.ruleBefore, to: result.ruleAfter, count: 0 };
    t.count++;
    this.transitions.set(key, t);
    const touched = new Set<string>();
    for (const change of result.changes) {
      const field = change.path.replace(/\/\d+(?=\/|$)/g, '/[]');
      const m = this.fields.get(field) ?? { changed: 0, up: 0, down: 0, net: 0 };
      if (!touched.has(field)) {
        m.changed++;
        touched.add(field);
      }
      const delta = numericDelta(change.before, change.after);
      if (delta > 0) m.up = decimalSum([m.up, delta]);
      if (delta < 0) m.down = decimalSum([m.down, -delta]);
      m.net = decimalSum([m.up, -m.down]);
      this.fields.set(field, m);
    }
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
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diff(before[i], after[i], `${path}/${i}`));
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const out: FieldChange[] = [];
    for (const k of keys) out.push(...diff(before[k], after[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
    return out;
  }
  return [{ path, before, after }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
