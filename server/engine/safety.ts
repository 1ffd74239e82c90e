/**
 * Static safety analysis of a policy document, run when it is saved or compiled and before
 * anything is executed: a document that could stall or crash the process serving every
 * tenant, or reach JavaScript internals, is refused with the JSON Pointer of the problem.
 *
 * The order matters (the compiler follows it):
 *   1. checkShape(raw parsed value, limits, source text): size, depth, node count, literal
 *      collection sizes; iterative, so any nesting is safe. Nothing else may walk the document
 *      before this passed (ajv and json-logic both recurse).
 *   2. JSON-Schema validation with ajv (schemas/policy.schema.json): done by the compiler.
 *   3. checkExpressions(doc, limits): operators, arities, data paths, tables, iteration
 *      nesting, growing accumulators, section sizes, names and ids.
 * checkDocument runs 1 then 3 (for callers that have validated the schema themselves, or
 * tests); run ajv between the two.
 * Defence in depth: evaluation still runs under a step and collection budget (types.ts Budget).
 */
import type { Problem } from './types.ts';
import type { PolicyLike } from './expression-sites.ts';
import { type Limits, resolveLimits } from './safety-limits.ts';
import { checkShape } from './safety-shape.ts';
import { checkExpressionSites } from './safety-expressions.ts';
import { checkSections } from './safety-sections.ts';

export { type Limits, defaultLimits, resolveLimits } from './safety-limits.ts';
export { checkShape } from './safety-shape.ts';
export { RESERVED_NAMES } from './safety-sections.ts';

/**
 * Checks a document that passed the JSON Schema: every expression (see
 * safety-expressions.ts) and the non-expression sections (see safety-sections.ts).
 *
 * @example
 * checkExpressions({ key: 'p', title: 'P', input: {}, rules: [
 *   { id: 'a', when: { if: [false, { foo: [] }, true] }, then: {} }], otherwise: { then: {} } })
 * // [{ path: '/rules/0/when/if/1', message: 'unknown operator "foo" (see README, Operators)' }]
 */
export function checkExpressions(doc: PolicyLike, limits?: Partial<Limits>): Problem[] {
  const lim = resolveLimits(limits);
  return [...checkExpressionSites(doc, lim), ...checkSections(doc, lim)];
}

/**
 * checkShape, then (only if it found nothing) checkExpressions. The compiler instead calls
 * the two itself with ajv's schema validation in between; this is for callers without ajv.
 */
export function checkDocument(doc: unknown, limits?: Partial<Limits>, sourceText?: string): Problem[] {
  const shape = checkShape(doc, limits, sourceText);
  if (shape.length > 0) return shape;
  return checkExpressions(doc as PolicyLike, limits);
}
