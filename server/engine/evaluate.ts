/**
 * evaluate(compiled policy, input, at) → decision + trace. Pure: the clock is the `at`
 * argument, so any decision can be replayed exactly. It never throws: bad input and run-time
 * faults come back as structured errors with their JSON paths.
 */
import { EvalFault, pointerSegment } from './compiler.ts';
import type { EvalContext } from './compiler.ts';
import { truthy } from './operators/standard.ts';
import { RULE_FIELD } from './policy.ts';
import { frameLayouts, HOT_AFTER } from './frames.ts';
import { closuresOf } from './closure-tree.ts';
import { copy } from './json-copy.ts';
import type { FrameLayout } from './frames.ts';
import type { PhaseProgram } from './codegen.ts';
import type { CompiledDerived, CompiledPhase, CompiledPolicy, CompiledRule } from './policy.ts';
import type { Budget, Env, Problem } from './types.ts';
import { BudgetError } from './types.ts';

export type Decision = Record<string, unknown>;

export interface DerivedTrace {
  name: string;
  path: string;
  value: unknown;
  /** Top-level values the expression read (dotted path → value). */
  reads: Record<string, unknown>;
}
export interface RuleTrace {
  id: string;
  path: string;
  matched: boolean;
  /** The values that made it match or not (dotted path → value). */
  values: Record<string, unknown>;
}
export interface PhaseTrace {
  let: DerivedTrace[];
  rules: RuleTrace[];
  matched: string;
}
export interface ItemTrace extends PhaseTrace {
  index: number;
}
export interface Trace extends PhaseTrace {
  at: string;
  items?: ItemTrace[];
  totals?: DerivedTrace[];
}

export type EvaluationError =
  | { kind: 'input'; problems: Problem[] }
  | { kind: 'runtime'; path: string; message: string; budgetExceeded: boolean };

export type EvaluateResult = { ok: true; decision: Decision; trace?: Trace } | { ok: false; error: EvaluationError };

export interface EvaluateOptions {
  trace?: boolean;
  /** Param values overriding the document's (embedded tests, what-if simulation). */
  params?: Record<string, unknown>;
  budget?: Partial<Budget>;
}

export const defaultBudget: Budget = { steps: 1_000_000, maxCollection: 100_000 };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Canonical UTC form of an instant: 2024-01-31T10:00:00Z (milliseconds only when non-zero). */
export function normalizeInstant(at: string): string | null {
  if (isCanonicalInstant(at)) return at;
  if (typeof at !== 'string' || !ISO_INSTANT.test(at)) return null;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of the two ASCII digits at i and i + 1, or -1 when either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Canonical instants of days 01-28 (which exist in every month of every year): a regular
 * expression of V8 tests this shape in about half the time of the character scan below, so it
 * goes first; a string it does not match is scanned.
 */
const SURE_CANONICAL = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.(?!000)\d{3})?Z$/;

/**
 * True for a valid instant already in canonical form ("2024-01-31T10:00:00Z", or with ".fff"
 * when the milliseconds are not zero), which normalizes to itself: decide passes instants it
 * has normalized, so this spares the regular expression, Date.parse and toISOString.
 */
function isCanonicalInstant(at: unknown): at is string {
  if (typeof at !== 'string' || (at.length !== 20 && at.length !== 24)) return false;
  if (SURE_CANONICAL.test(at)) return true;
  const y1 = two(at, 0), y2 = two(at, 2), month = two(at, 5), day = two(at, 8);
  const h = two(at, 11), mi = two(at, 14), s = two(at, 17);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return false;
  if (at.charCodeAt(4) !== 45 || at.charCodeAt(7) !== 45 || at.charCodeAt(10) !== 84 || at.charCodeAt(13) !== 58 || at.charCodeAt(16) !== 58) return false;
  const year = y1 * 100 + y2;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : MONTH_DAYS[month]!)) return false;
  if (at.length === 20) return at.charCodeAt(19) === 90;
  const ms1 = two(at, 20), ms2 = at.charCodeAt(22) - 48;
  return at.charCodeAt(19) === 46 && at.charCodeAt(23) === 90 && ms1 >= 0 && ms2 >= 0 && ms2 <= 9 && ms1 * 10 + ms2 !== 0;
}

export function evaluate(policy: CompiledPolicy, input: unknown, at: string, options: EvaluateOptions = {}): EvaluateResult {
  const instant = normalizeInstant(at);
  if (instant === null) return { ok: false, error: { kind: 'input', problems: [{ path: '', message: `"at" must be an ISO-8601 date-time, got ${JSON.stringify(at)}` }] } };
  const problems = policy.validateInput(input);
  if (problems.length) return { ok: false, error: { kind: 'input', problems } };
  return evaluateAccepted(policy, input, instant, options);
}

/**
 * evaluate() for an input that policy.validateInput has accepted, at a canonical instant.
 * Inside the engine only: a simulation decides each case with two versions that mostly share
 * one input schema (validators are shared by schema content), so it checks the input once.
 */
export function evaluateAccepted(policy: CompiledPolicy, input: unknown, instant: string, options: EvaluateOptions = {}): EvaluateResult {
  try {
    const layout = frameLayouts.get(policy.main);
    if (layout) return runFrames(policy, layout, input as Record<string, unknown>, instant, options);
    return run(policy, input as Record<string, unknown>, instant, options);
  } catch (err) {
    if (err instanceof EvalFault) return { ok: false, error: { kind: 'runtime', path: err.path, message: err.message, budgetExceeded: err.budget } };
    if (err instanceof BudgetError) return { ok: false, error: { kind: 'runtime', path: '', message: err.message, budgetExceeded: true } };
    const message = err instanceof RangeError ? 'evaluation too deep or too large' : `evaluation failed: ${(err as Error)?.message ?? String(err)}`;
    return { ok: false, error: { kind: 'runtime', path: '', message, budgetExceeded: err instanceof RangeError } };
  }
}

/** What every expression of one evaluation shares: the instant, the order's currency (for money), the work budget, the tables. */
function envOf(policy: CompiledPolicy, input: Record<string, unknown>, at: string, options: EvaluateOptions): Env {
  const order = input.order as { currency?: unknown } | undefined;
  return {
    at,
    currency: typeof order?.currency === 'string' ? order.currency : null,
    // Without options.budget, the copy of defaultBudget written out (no object spread).
    budget: options.budget === undefined ? { steps: defaultBudget.steps, maxCollection: defaultBudget.maxCollection } : { ...defaultBudget, ...options.budget },
    tables: policy.tables,
  };
}

function run(policy: CompiledPolicy, input: Record<string, unknown>, at: string, options: EvaluateOptions): EvaluateResult {
  const tracing = options.trace === true;
  // Null-prototype scopes: an input key "__proto__" stays plain data.
  const scope: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(input)) scope[key] = input[key];
  scope.params = options.params ? { ...policy.params, ...options.params } : policy.params;
  scope.now = at;
  const env = envOf(policy, input, at, options);
  const ctx: EvalContext = { env, root: scope, rec: null };
  const trace: Trace | undefined = tracing ? { at, let: [], rules: [], matched: '' } : undefined;

  runDerived(policy.main.lets, scope, ctx, trace?.let);
  let items: Decision[] | null = null;
  if (policy.each) {
    const each = policy.each;
    const list = each.over(scope, ctx);
    if (!Array.isArray(list)) throw new EvalFault(each.overPath, `"each.over" must give an array, got ${list === null ? 'null' : typeof list}`);
    items = [];
    if (trace) trace.items = [];
    for (let i = 0; i < list.length; i++) {
      const itemScope: Record<string, unknown> = Object.assign(Object.create(null), scope);
      itemScope.item = list[i];
      itemScope.itemIndex = i;
      const itemTrace: ItemTrace | undefined = trace ? { index: i, let: [], rules: [], matched: '' } : undefined;
      ctx.root = itemScope;
      items.push(decide(each, itemScope, ctx, itemTrace));
      if (trace && itemTrace) trace.items!.push(itemTrace);
    }
    ctx.root = scope;
    scope.items = items;
    if (trace) trace.totals = [];
    runDerived(policy.totals, scope, ctx, trace?.totals);
  }
  const decision = decide(policy.main, scope, ctx, trace, policy.each && items ? [policy.each.into, items] : null, false);
  return trace ? { ok: true, decision, trace } : { ok: true, decision };
}

/**
 * run() for a policy compiled in frame mode (frames.ts): the scope is an array of slots. The
 * writes are run()'s, in the same order (the input's keys, params, now, the derived values, per
 * item a copy of the scope with item and itemIndex, then items and the totals), so every read
 * sees the value it would see in run()'s scope object.
 */
function runFrames(policy: CompiledPolicy, layout: FrameLayout, input: Record<string, unknown>, at: string, options: EvaluateOptions): EvaluateResult {
  const tracing = options.trace === true;
  const frame = layout.blank.slice();
  const keys = Object.keys(input);
  for (let i = 0; i < keys.length; i++) {
    const slot = layout.index.get(keys[i]!);
    if (slot !== undefined) frame[slot] = input[keys[i]!];
  }
  frame[layout.params] = options.params ? { ...policy.params, ...options.params } : policy.params;
  frame[layout.now] = at;
  const env = envOf(policy, input, at, options);
  const ctx: EvalContext = { env, root: frame, rec: null };
  if (layout.tierUp !== null && ++layout.runs >= HOT_AFTER) layout.tierUp();
  const program = layout.program;
  if (!tracing && program) return { ok: true, decision: runProgram(policy, layout, program, frame, ctx) };
  const trace: Trace | undefined = tracing ? { at, let: [], rules: [], matched: '' } : undefined;
  // The closures themselves, not the policy's handles to them: one look-up, not one per phase read.
  const phases = closuresOf(policy);

  runDerivedFrame(phases.main.lets, layout.mainLets, frame, ctx, trace?.let);
  let items: Decision[] | null = null;
  if (phases.each) {
    const each = phases.each;
    const list = each.over(frame, ctx);
    if (!Array.isArray(list)) throw new EvalFault(each.overPath, `"each.over" must give an array, got ${list === null ? 'null' : typeof list}`);
    items = [];
    if (trace) trace.items = [];
    for (let i = 0; i < list.length; i++) {
      const itemFrame = frame.slice();
      itemFrame[layout.item] = list[i];
      itemFrame[layout.itemIndex] = i;
      const itemTrace: ItemTrace | undefined = trace ? { index: i, let: [], rules: [], matched: '' } : undefined;
      ctx.root = itemFrame;
      runDerivedFrame(each.lets, layout.eachLets, itemFrame, ctx, itemTrace?.let);
      items.push(decide(each, itemFrame as unknown as Record<string, unknown>, ctx, itemTrace, null, false));
      if (trace && itemTrace) trace.items!.push(itemTrace);
    }
    ctx.root = frame;
    frame[layout.items] = items;
    if (trace) trace.totals = [];
    runDerivedFrame(phases.totals, layout.totals, frame, ctx, trace?.totals);
  }
  const decision = decide(phases.main, frame as unknown as Record<string, unknown>, ctx, trace, phases.each && items ? [phases.each.into, items] : null, false);
  return trace ? { ok: true, decision, trace } : { ok: true, decision };
}

/** runFrames' steps without a trace, through the phases generated for the policy (codegen.ts generatePhases). */
function runProgram(policy: CompiledPolicy, layout: FrameLayout, program: PhaseProgram, frame: unknown[], ctx: EvalContext): Decision {
  program.mainLets(frame, ctx);
  const each = policy.each;
  if (!each || !program.item || !program.over) return program.decide(frame, ctx, undefined);
  const list = program.over(frame, ctx);
  if (!Array.isArray(list)) throw new EvalFault(each.overPath, `"each.over" must give an array, got ${list === null ? 'null' : typeof list}`);
  const items: Decision[] = [];
  for (let i = 0; i < list.length; i++) {
    const itemFrame = frame.slice();
    itemFrame[layout.item] = list[i];
    itemFrame[layout.itemIndex] = i;
    ctx.root = itemFrame;
    items.push(program.item(itemFrame, ctx));
  }
  ctx.root = frame;
  frame[layout.items] = items;
  program.totals(frame, ctx);
  return program.decide(frame, ctx, items);
}

function runDerivedFrame(list: CompiledDerived[], slots: number[], frame: unknown[], ctx: EvalContext, trace: DerivedTrace[] | undefined): void {
  for (let i = 0; i < list.length; i++) {
    const d = list[i]!;
    if (trace) ctx.rec = new Map();
    const value = d.fn(frame, ctx);
    frame[slots[i]!] = value;
    if (trace) {
      trace.push({ name: d.name, path: d.path, value: copy(value), reads: Object.fromEntries(ctx.rec!) });
      ctx.rec = null;
    }
  }
}

function runDerived(list: CompiledDerived[], scope: Record<string, unknown>, ctx: EvalContext, trace: DerivedTrace[] | undefined): void {
  for (const d of list) {
    if (trace) ctx.rec = new Map();
    const value = d.fn(scope, ctx);
    scope[d.name] = value;
    if (trace) {
      trace.push({ name: d.name, path: d.path, value: copy(value), reads: Object.fromEntries(ctx.rec!) });
      ctx.rec = null;
    }
  }
}

/** Runs a phase's derived values, then its first-match rules; returns the matched outcome. */
function decide(
  phase: CompiledPhase,
  scope: Record<string, unknown>,
  ctx: EvalContext,
  trace: PhaseTrace | undefined,
  extra: [string, unknown] | null = null,
  withLets = true,
): Decision {
  if (withLets) runDerived(phase.lets, scope, ctx, trace?.let);
  const rules = phase.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (trace) ctx.rec = new Map();
    const hit = rule.when === null || truthy(rule.when(scope, ctx));
    if (trace) {
      trace.rules.push({ id: rule.id, path: rule.path, matched: hit, values: Object.fromEntries(ctx.rec!) });
      ctx.rec = null;
    }
    if (hit) {
      if (trace) trace.matched = rule.id;
      return outcome(rule, scope, ctx, extra);
    }
  }
  // Unreachable: compile appends `otherwise` as an always-matching last rule.
  throw new EvalFault('', 'no rule matched');
}

function outcome(rule: CompiledRule, scope: Record<string, unknown>, ctx: EvalContext, extra: [string, unknown] | null): Decision {
  const decision: Decision = {};
  const fields = rule.fields;
  const values = rule.values;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    decision[field] = copyField(values[i]!(scope, ctx), ctx, rule, field);
  }
  if (extra) decision[extra[0]] = extra[1];
  decision[RULE_FIELD] = rule.id;
  return decision;
}

/** Results are copied before they go into answers, so no caller can reach a compiled literal or param. */
export { copy };

/** A decision field's copy, spending the evaluation's budget (see copy); a fault names the field. */
function copyField(value: unknown, ctx: EvalContext, rule: CompiledRule, field: string): unknown {
  try {
    return copy(value, ctx.env.budget);
  } catch (err) {
    if (err instanceof BudgetError) throw new EvalFault(`${rule.path}/then/${pointerSegment(field)}`, err.message, true);
    throw err;
  }
}
