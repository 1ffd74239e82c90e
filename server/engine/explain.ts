/**
 * Explanations a merchant can read: from the compiled policy and a traced evaluation, the
 * reasons of a decision in plain language (the deciding rules' `explain.reason` texts, or their
 * descriptions where they have none, and the `explain` texts of truthy derived values, with the
 * decision's own values put in), and for a
 * denied or partial outcome what would have changed it: among the rules with a better
 * `explain.outcome` tried before the deciding one, the one with the fewest failing conditions,
 * or one of the deciding rule's own conditions, with the value tested and what it was compared
 * with. Only conditions the policy gives a text for are offered.
 *
 * Pure, like the rest of the engine: the editor explains a simulated decision with this same
 * code. Nothing here runs unless an explanation is asked for; decide without `explain` does
 * exactly what it did before.
 *
 * @example
 *   const r = evaluate(policy, input, at, { trace: true });
 *   if (r.ok) explain(policy, input, r.trace!, r.decision, { language: 'ko', tenantLanguage: 'en' });
 *   // { language: 'en', reasons: [{ text: 'delivered 34 days ago; the return window is 30 days', rule, item, path }], wouldChange: [...] }
 */
import { compileExpression, isLogic, readPath } from './compiler.ts';
import { ruleConditions } from './explain-check.ts';
import type { Compiled, EvalContext } from './compiler.ts';
import { defaultBudget } from './evaluate.ts';
import type { Decision, DerivedTrace, Trace } from './evaluate.ts';
import { labelFor, parseTemplate, renderTemplate, textVariants } from './explain-text.ts';
import type { FormatContext, Labels, Placeholder, TemplatePart, Text } from './explain-text.ts';
import { truthy } from './operators/standard.ts';
import type { CompiledPolicy, DerivedDoc, OtherwiseDoc, PolicyDoc, RuleDoc } from './policy.ts';

export type OutcomeGrade = 'granted' | 'partial' | 'review' | 'denied';

export interface Reason {
  /** The reason in the explanation's language, values filled in. */
  text: string;
  /** The rule whose reason it is (absent for a derived value's text). */
  rule?: string;
  /** The item (index into the per-item results) it is about, for per-item rules and values. */
  item?: number;
  /** JSON Pointer of the text's element in the policy document, e.g. "/each/rules/10". */
  path: string;
}

export interface ConditionChange {
  /** JSON Pointer of the condition in the policy document, e.g. "/each/rules/10/when/and/0". */
  path: string;
  /** What the condition tested: the left side of a comparison, the value negated, or the condition's value. */
  value: unknown;
  /** What it was compared with (the right side of a comparison, the list of an "in"), when it is a comparison. */
  threshold?: unknown;
}

export interface WouldChange {
  /** What would have changed the outcome, in the explanation's language. */
  text: string;
  /** "meet": the conditions of `rule`, a rule with a better outcome, would have had to hold; "avoid": one condition of `rule`, the deciding rule, would have had to fail. */
  kind: 'meet' | 'avoid';
  rule: string;
  /** The better rule's outcome (kind "meet"). */
  outcome?: OutcomeGrade;
  item?: number;
  /** The conditions that would have had to go the other way. */
  conditions: ConditionChange[];
}

export interface Explanation {
  /** The language the texts were chosen for. */
  language: string;
  reasons: Reason[];
  wouldChange?: WouldChange[];
}

export interface ExplainOptions {
  /** The language asked for (the request's), if any. */
  language?: string | null;
  /** The tenant's default language. */
  tenantLanguage?: string | null;
  /** Param values the evaluation used instead of the document's (as given to evaluate). */
  params?: Record<string, unknown>;
}

const RANK: Record<OutcomeGrade, number> = { denied: 0, review: 1, partial: 2, granted: 3 };
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '===', '!=', '!==', 'in']);
const RESERVED_ROOTS = new Set(['then', 'condition']);

// ---------------------------------------------------------------------------------------------
// Building an explanation

interface PreparedText {
  variants: Map<string, TemplatePart[]>;
}
interface PreparedCondition {
  pointer: string;
  path: string;
  node: unknown;
  fn: Compiled;
  /** For comparisons: the two sides. */
  left: Compiled | null;
  right: Compiled | null;
  text: PreparedText | null;
}
interface PreparedRule {
  id: string;
  path: string;
  grade: OutcomeGrade | null;
  reason: PreparedText | null;
  conditions: PreparedCondition[];
}
interface PreparedDerived {
  name: string;
  path: string;
  text: PreparedText;
}
interface PreparedPhase {
  derived: PreparedDerived[];
  rules: PreparedRule[];
}
interface Plan {
  main: PreparedPhase;
  totals: PreparedDerived[];
  item: PreparedPhase | null;
  over: Compiled | null;
  into: string;
  languages: Set<string>;
}

const plans = new WeakMap<object, Plan>();

function prepareText(text: Text | undefined, languages: Set<string>): PreparedText | null {
  if (text === undefined) return null;
  const variants = new Map<string, TemplatePart[]>();
  for (const [language, variant] of textVariants(text)) {
    const parsed = parseTemplate(variant);
    // Compile refuses a bad template; a document that got here has none.
    variants.set(language, 'error' in parsed ? [variant] : parsed.parts);
    if (language !== '*') languages.add(language);
  }
  return { variants };
}

/**
 * A rule without an explain.reason is explained by its description, verbatim (no placeholders:
 * a description was not written as a template), for every language: a policy written before
 * explanations existed still says why.
 */
function described(description: string | undefined): PreparedText | null {
  return description ? { variants: new Map([['*', [description]]]) } : null;
}

function planOf(policy: CompiledPolicy): Plan {
  const hit = plans.get(policy.document);
  if (hit) return hit;
  const doc = policy.document;
  const languages = new Set<string>();
  const scope = { tableInputs: (name: string) => (Object.prototype.hasOwnProperty.call(doc.tables ?? {}, name) ? doc.tables![name]!.inputs.map((c) => c.name) : null) };
  const expr = (node: unknown, path: string): Compiled => {
    try {
      return compileExpression(node, path, scope);
    } catch {
      return () => undefined;
    }
  };
  const derived = (list: DerivedDoc[] | undefined, base: string): PreparedDerived[] =>
    (list ?? []).flatMap((d, i) => {
      const text = prepareText(d.explain as Text | undefined, languages);
      return text ? [{ name: d.name, path: `${base}/${i}`, text }] : [];
    });
  const phase = (lets: DerivedDoc[] | undefined, letBase: string, rules: RuleDoc[], otherwise: OtherwiseDoc, base: string): PreparedPhase => ({
    derived: derived(lets, letBase),
    rules: [
      ...rules.map((r, i): PreparedRule => {
        const path = `${base}/rules/${i}`;
        const texts = (r.explain?.conditions ?? {}) as Record<string, Text>;
        return {
          id: r.id,
          path,
          grade: (r.explain?.outcome as OutcomeGrade | undefined) ?? null,
          reason: prepareText(r.explain?.reason as Text | undefined, languages) ?? described(r.description),
          // Conditions are compiled (in object mode) only for a rule whose outcome is graded.
          conditions: r.explain?.outcome
            ? ruleConditions(r.when).map(({ pointer, node }) => {
                const cpath = `${path}/when${pointer}`;
                const cmp = comparison(node);
                return {
                  pointer,
                  path: cpath,
                  node,
                  fn: expr(node, cpath),
                  left: cmp ? expr(cmp[0], `${cpath}/${cmp[2]}/0`) : null,
                  right: cmp && cmp[1] !== undefined ? expr(cmp[1], `${cpath}/${cmp[2]}/1`) : null,
                  text: prepareText(texts[pointer], languages),
                };
              })
            : [],
        };
      }),
      {
        id: otherwise.id ?? 'otherwise',
        path: `${base}/otherwise`,
        grade: (otherwise.explain?.outcome as OutcomeGrade | undefined) ?? null,
        reason: prepareText(otherwise.explain?.reason as Text | undefined, languages) ?? described(otherwise.description),
        conditions: [],
      },
    ],
  });
  const plan: Plan = {
    main: phase(doc.let, '/let', doc.rules, doc.otherwise, ''),
    totals: derived(doc.totals, '/totals'),
    item: doc.each ? phase(doc.each.let, '/each/let', doc.each.rules, doc.each.otherwise, '/each') : null,
    over: doc.each ? expr(doc.each.over, '/each/over') : null,
    into: doc.each?.into ?? 'items',
    languages,
  };
  plans.set(policy.document, plan);
  return plan;
}

/** [left, right, operator] of a comparison condition, [value, undefined, "!"] of a negation; null otherwise. */
function comparison(node: unknown): [unknown, unknown, string] | null {
  if (!isLogic(node)) return null;
  const op = Object.keys(node)[0]!;
  const args = node[op];
  if (COMPARISONS.has(op) && Array.isArray(args) && args.length === 2) return [args[0], args[1], op];
  if ((op === '!' || op === '!!') && Array.isArray(args) && args.length === 1) return [args[0], undefined, op];
  if ((op === '!' || op === '!!') && !Array.isArray(args)) return null;
  return null;
}

/** The language the texts are chosen for: the one asked, the customer's (order.customer.language), the tenant's, English; the first the policy writes in. */
export function chooseLanguage(policy: CompiledPolicy, input: unknown, options: ExplainOptions): string {
  const offered = planOf(policy).languages;
  const customer = (input as { order?: { customer?: { language?: unknown } } } | null)?.order?.customer?.language;
  const wanted = [options.language, typeof customer === 'string' ? customer : null, options.tenantLanguage, 'en'].filter((l): l is string => typeof l === 'string' && l.length > 0);
  for (const l of wanted) {
    if (offered.has(l)) return l;
    const base = l.split('-')[0]!;
    if (offered.has(base)) return base;
  }
  return offered.size ? [...offered][0]! : (wanted[0] ?? 'en');
}

/**
 * The explanation of a decision: `trace` and `decision` from evaluate(policy, input, at,
 * {trace: true, params}) of this same policy, input and params.
 */
export function explain(policy: CompiledPolicy, input: unknown, trace: Trace, decision: Decision, options: ExplainOptions = {}): Explanation {
  const plan = planOf(policy);
  const language = chooseLanguage(policy, input, options);
  const fallbacks = [options.tenantLanguage, 'en', '*'].filter((l): l is string => typeof l === 'string' && l.length > 0);
  const order = (input as { order?: { currency?: unknown } } | null)?.order;
  const labels = policy.document.labels as Labels | undefined;
  const fmt: FormatContext = { language, currency: typeof order?.currency === 'string' ? order.currency : null, label: (list, value) => labelFor(labels, list, value, language, fallbacks) };
  const ctx: EvalContext = { env: { at: trace.at, currency: fmt.currency, budget: { ...defaultBudget }, tables: policy.tables }, root: null, rec: null };

  const render = (text: PreparedText, scope: Record<string, unknown>, local: Record<string, unknown>): string => {
    const parts = pickParts(text, language, fallbacks);
    return renderTemplate(parts, (p) => lookup(p, scope, local), fmt).trim();
  };

  // The main scope as the rules saw it: the input, params, now, the derived values.
  const scope: Record<string, unknown> = Object.create(null);
  if (input && typeof input === 'object') for (const key of Object.keys(input)) scope[key] = (input as Record<string, unknown>)[key];
  scope.params = options.params ? { ...policy.params, ...options.params } : policy.params;
  scope.now = trace.at;
  for (const d of trace.let) scope[d.name] = d.value;

  const reasons: Reason[] = [];
  const changes: WouldChange[] = [];
  const notes = (list: PreparedDerived[], values: DerivedTrace[], where: Record<string, unknown>, item?: number) => {
    for (const d of list) {
      const v = values.find((t) => t.name === d.name);
      if (v && truthy(v.value)) reasons.push({ text: render(d.text, where, {}), path: d.path, ...(item === undefined ? {} : { item }) });
    }
  };

  // The per-item scopes, from the main scope before the totals (what the item rules saw).
  const itemScopes: Array<Record<string, unknown>> = [];
  const items = Array.isArray(decision[plan.into]) ? (decision[plan.into] as Decision[]) : [];
  if (plan.item && trace.items) {
    ctx.root = scope;
    let list: unknown = null;
    try {
      list = plan.over!(scope, ctx);
    } catch {
      list = null;
    }
    for (const t of trace.items) {
      const s: Record<string, unknown> = Object.assign(Object.create(null), scope);
      s.item = Array.isArray(list) ? list[t.index] : undefined;
      s.itemIndex = t.index;
      for (const d of t.let) s[d.name] = d.value;
      itemScopes[t.index] = s;
    }
  }
  if (plan.item) scope[plan.into] = items;
  for (const d of trace.totals ?? []) scope[d.name] = d.value;

  // The order: its rule's reason first (the verdict), then its notes, then each item's.
  const mainRule = plan.main.rules.find((r) => r.id === trace.matched);
  if (mainRule?.reason) reasons.push({ text: render(mainRule.reason, scope, { then: decision }), rule: mainRule.id, path: mainRule.path });
  notes(plan.main.derived, trace.let, scope);
  notes(plan.totals, trace.totals ?? [], scope);
  const mainChange = wouldChange(plan.main, trace.matched, trace.rules.length, scope, ctx, (t, s, l) => render(t, s, l));
  if (mainChange) changes.push(mainChange);

  if (plan.item && trace.items) {
    for (const t of trace.items) {
      const s = itemScopes[t.index]!;
      notes(plan.item.derived, t.let, s, t.index);
      const rule = plan.item.rules.find((r) => r.id === t.matched);
      if (rule?.reason) reasons.push({ text: render(rule.reason, s, { then: items[t.index] ?? {} }), rule: rule.id, item: t.index, path: rule.path });
      ctx.root = s;
      const change = wouldChange(plan.item, t.matched, t.rules.length, s, ctx, (tx, sc, l) => render(tx, sc, l), t.index);
      if (change) changes.push(change);
    }
  }
  return changes.length ? { language, reasons, wouldChange: changes } : { language, reasons };
}

function pickParts(text: PreparedText, language: string, fallbacks: string[]): TemplatePart[] {
  const base = language.split('-')[0]!;
  for (const l of [language, base, ...fallbacks]) {
    const parts = text.variants.get(l);
    if (parts) return parts;
  }
  return text.variants.values().next().value ?? [];
}

function lookup(p: Placeholder, scope: Record<string, unknown>, local: Record<string, unknown>): unknown {
  const root = p.segments[0]!;
  if (RESERVED_ROOTS.has(root)) return readPath(local[root], p.segments.slice(1), undefined);
  return readPath(scope, p.segments, undefined);
}

/**
 * The nearest change to a denied or partial outcome of one phase: the better-graded rule
 * tried before the deciding one with the fewest failing conditions (each with a text), or a
 * condition (with a text) of the deciding rule itself, which counts as one; on a tie the
 * deciding rule's own condition, then the earlier rule.
 */
function wouldChange(
  phase: PreparedPhase,
  matched: string,
  tried: number,
  scope: Record<string, unknown>,
  ctx: EvalContext,
  render: (text: PreparedText, scope: Record<string, unknown>, local: Record<string, unknown>) => string,
  item?: number,
): WouldChange | null {
  const m = phase.rules.findIndex((r) => r.id === matched);
  const deciding = phase.rules[m];
  if (!deciding || (deciding.grade !== 'denied' && deciding.grade !== 'partial')) return null;
  const rank = RANK[deciding.grade];
  ctx.root = scope;
  const where = item === undefined ? {} : { item };
  const sides = (c: PreparedCondition): ConditionChange => {
    const value = safe(c.left ?? c.fn, scope, ctx);
    const threshold = c.right ? safe(c.right, scope, ctx) : undefined;
    return threshold === undefined ? { path: c.path, value } : { path: c.path, value, threshold };
  };
  const say = (c: PreparedCondition, change: ConditionChange) => render(c.text!, scope, { condition: { value: change.value, threshold: change.threshold } });

  // The deciding rule's own conditions, when a later rule is better.
  const laterBetter = phase.rules.slice(m + 1).some((r) => r.grade !== null && r.grade !== 'review' && RANK[r.grade] > rank);
  let best: { score: number; change: WouldChange } | null = null;
  if (laterBetter) {
    for (const c of deciding.conditions) {
      if (!c.text || !truthy(safe(c.fn, scope, ctx))) continue;
      const change = sides(c);
      best = { score: 1, change: { text: say(c, change), kind: 'avoid', rule: deciding.id, ...where, conditions: [change] } };
      break;
    }
  }
  for (let j = 0; j < Math.min(m, tried); j++) {
    const r = phase.rules[j]!;
    if (r.grade === null || r.grade === 'review' || RANK[r.grade] <= rank || r.conditions.length === 0) continue;
    const failing = r.conditions.filter((c) => !truthy(safe(c.fn, scope, ctx)));
    if (failing.length === 0 || failing.some((c) => !c.text)) continue;
    if (best && best.score <= failing.length) continue;
    const conditions = failing.map(sides);
    best = {
      score: failing.length,
      change: { text: failing.map((c, i) => say(c, conditions[i]!)).join('; '), kind: 'meet', rule: r.id, outcome: r.grade, ...where, conditions },
    };
  }
  return best?.change ?? null;
}

function safe(fn: Compiled, scope: Record<string, unknown>, ctx: EvalContext): unknown {
  try {
    const v = fn(scope, ctx);
    return v === undefined ? null : v;
  } catch {
    return null;
  }
}
