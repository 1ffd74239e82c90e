/**
 * Where a policy document holds JSON-logic expressions. The static safety checks and the
 * compiler both walk expressions from these sites, so the list of places lives in one spot:
 * a new section of the DSL that holds expressions is added here and both pick it up.
 *
 * Tolerant by design: it runs on documents that may not have passed the JSON Schema yet
 * (the editor checks drafts as they are typed), so anything not of the expected shape is
 * skipped rather than thrown on.
 */

/**
 * A policy document as far as the engine's static passes care: every section is `unknown`
 * because a draft may be wrong anywhere. The generated PolicyDocument type is assignable to it.
 */
export interface PolicyLike {
  params?: unknown;
  tables?: unknown;
  let?: unknown;
  each?: unknown;
  totals?: unknown;
  rules?: unknown;
  otherwise?: unknown;
  fixtures?: unknown;
  tests?: unknown;
}

export type ExpressionSiteKind =
  | 'let' | 'each.over' | 'each.let' | 'each.rule.when' | 'each.rule.then' | 'each.otherwise.then'
  | 'totals' | 'rule.when' | 'rule.then' | 'otherwise.then';

export interface ExpressionSite {
  /** JSON Pointer (RFC 6901) of the expression, e.g. "/rules/3/when" or "/otherwise/then/refundAmount". */
  path: string;
  expr: unknown;
  kind: ExpressionSiteKind;
}

/** Escapes one reference token of a JSON Pointer (RFC 6901 §3: "~" first, then "/"). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends tokens to a pointer: `pointer('/rules', 0, 'when')` is "/rules/0/when". */
export function pointer(base: string, ...tokens: Array<string | number>): string {
  let out = base;
  for (const t of tokens) out += '/' + escapePointerToken(t);
  return out;
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Every expression of the document, in document order (the order the engine evaluates
 * sections: let, each, totals, rules, otherwise).
 *
 * @example
 * expressionSites({ rules: [{ id: 'a', when: { '==': [1, 1] }, then: { ok: true } }] })
 * // [{ path: '/rules/0/when', kind: 'rule.when', expr: {...} },
 * //  { path: '/rules/0/then/ok', kind: 'rule.then', expr: true }]
 */
export function expressionSites(doc: PolicyLike): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  if (!isRecord(doc)) return out;
  derived(doc.let, '/let', 'let', out);
  if (isRecord(doc.each)) {
    const each = doc.each;
    if (Object.hasOwn(each, 'over')) out.push({ path: '/each/over', expr: each.over, kind: 'each.over' });
    derived(each.let, '/each/let', 'each.let', out);
    rules(each.rules, '/each/rules', 'each.rule.when', 'each.rule.then', out);
    outcome(isRecord(each.otherwise) ? each.otherwise.then : undefined, '/each/otherwise/then', 'each.otherwise.then', out);
  }
  derived(doc.totals, '/totals', 'totals', out);
  rules(doc.rules, '/rules', 'rule.when', 'rule.then', out);
  outcome(isRecord(doc.otherwise) ? doc.otherwise.then : undefined, '/otherwise/then', 'otherwise.then', out);
  return out;
}

function derived(list: unknown, base: string, kind: ExpressionSiteKind, out: ExpressionSite[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((d, i) => {
    if (isRecord(d) && Object.hasOwn(d, 'value')) out.push({ path: pointer(base, i, 'value'), expr: d.value, kind });
  });
}

function rules(list: unknown, base: string, whenKind: ExpressionSiteKind, thenKind: ExpressionSiteKind, out: ExpressionSite[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((r, i) => {
    if (!isRecord(r)) return;
    if (Object.hasOwn(r, 'when')) out.push({ path: pointer(base, i, 'when'), expr: r.when, kind: whenKind });
    outcome(r.then, pointer(base, i, 'then'), thenKind, out);
  });
}

/** An outcome's fields are each an expression; a `then` that is not an object is skipped. */
function outcome(then: unknown, base: string, kind: ExpressionSiteKind, out: ExpressionSite[]): void {
  if (!isRecord(then)) return;
  for (const field of Object.keys(then)) out.push({ path: pointer(base, field), expr: then[field], kind });
}
