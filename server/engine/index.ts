/**
 * The policy engine's public surface. Pure and isomorphic: the server, the CLI and the editor
 * bundle all import this same code, so a simulation in the browser decides exactly as the API.
 *
 * @example
 *   const registry = createSchemaRegistry(schemas);
 *   const compiled = compile(document, { registry });
 *   if (!compiled.ok) console.log(compiled.problems);        // [{ path: "/rules/0/when", message }]
 *   const result = evaluate(compiled.policy, input, '2024-01-15T10:00:00Z', { trace: true });
 */
export { compile, paramValues, RULE_FIELD } from './policy.ts';
export type { CompiledPolicy, CompileResult, CompileOptions, PolicyDoc, TestDoc } from './policy.ts';
export { evaluate, normalizeInstant, defaultBudget } from './evaluate.ts';
export type { Decision, EvaluateResult, EvaluationError, Trace, RuleTrace, DerivedTrace, ItemTrace } from './evaluate.ts';
export { explain, chooseLanguage } from './explain.ts';
export type { Explanation, ExplainOptions, Reason, WouldChange, ConditionChange, OutcomeGrade } from './explain.ts';
export { runPolicyTests, partialMatch, deepMerge, testInput } from './testing.ts';
export type { TestOutcome, Mismatch } from './testing.ts';
export { createSchemaRegistry } from './schemas.ts';
export type { SchemaRegistry, Validator } from './schemas.ts';
export { activeVersionAt } from './activations.ts';
export { chooseFrom, chooseVersion, pinToOf, versionInstant, PIN_TO_VALUES, PLACED_AT_PATH } from './effective-date.ts';
export type { PinTo, VersionChoice } from './effective-date.ts';
export { compareCase, diff, simulate, simulateAll, SummaryBuilder } from './simulate.ts';
export type { CaseOutcome, CaseResult, CaseTally, FieldChange, FieldMovement, SimulationCase, SimulationSummary, SimulateOptions } from './simulate.ts';
export type { Activation } from './activations.ts';
export { operators, operatorsByName, refusedOperators } from './operators/index.ts';
export type { Problem, OperatorSpec } from './types.ts';
