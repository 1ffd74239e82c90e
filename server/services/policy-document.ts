/**
 * What the service asks of a policy document before it may become a version, shared by
 * create, the draft verbs and publish: it compiles (the engine's own checks: DSL schema,
 * operator allow-list, safety bounds, input/output schemas) and its `key` is the policy's
 * (a document saved under /v1/policies/returns/draft that says "key": "points" would decide
 * under one name and describe another). Problems carry JSON Pointers into the document.
 *
 * @example
 *   const checked = checkDocument(registry, 'returns', document);
 *   if (!checked.ok) return checked.problems;               // [{ path: '/rules/2/when', message }]
 *   const report = testReport(runPolicyTests(checked.policy));
 */
import { compile, runPolicyTests } from '../engine/index.ts';
import type { CompiledPolicy, CompileResult, SchemaRegistry, TestOutcome } from '../engine/index.ts';
import { analyzePolicy } from '../engine/analysis/index.ts';
import type { AnalysisWarning, PathProblem, PolicyTestResult } from '../types/schemas.gen.ts';

export type CheckedDocument = { ok: true; policy: CompiledPolicy } | { ok: false; problems: PathProblem[] };

/** The pattern of policy keys (schemas/policy.schema.json `key`): anything else names no policy. */
export const POLICY_KEY = /^[a-z][a-z0-9-]{0,62}$/;

export function checkDocument(registry: SchemaRegistry, policyKey: string, document: unknown): CheckedDocument {
  return checkCompiled(compile(document, { registry }), policyKey, document);
}

/** checkDocument for a document already compiled (the sandbox's workers keep them compiled). */
export function checkCompiled(compiled: CompileResult, policyKey: string, document: unknown): CheckedDocument {
  const problems: PathProblem[] = compiled.ok ? [] : compiled.problems.map(({ path, message }) => ({ path, message }));
  const key = (document as { key?: unknown } | null)?.key;
  // Only when the key is otherwise fine: a missing or malformed key is already a compile problem.
  if (typeof key === 'string' && POLICY_KEY.test(key) && key !== policyKey) {
    problems.push({ path: '/key', message: `must be "${policyKey}", the key of the policy this document belongs to` });
  }
  if (problems.length || !compiled.ok) return { ok: false, problems };
  return { ok: true, policy: compiled.policy };
}

/**
 * The static analysis of a document (server/engine/analysis): warnings with JSON paths, which
 * never make it invalid. Run on documents that compile.
 */
export function analyzeDocument(registry: SchemaRegistry, document: unknown): AnalysisWarning[] {
  return analyzePolicy(document, { schema: (id) => registry.schema(id) });
}

export interface TestReport {
  passed: boolean;
  total: number;
  failed: number;
  tests: PolicyTestResult[];
}

/** Runs the embedded tests and shapes the outcomes as the API answers them. */
export function runTests(policy: CompiledPolicy): TestReport {
  const tests = runPolicyTests(policy).map(toResult);
  const failed = tests.filter((t) => !t.passed).length;
  return { passed: failed === 0, total: tests.length, failed, tests };
}

function toResult(o: TestOutcome): PolicyTestResult {
  return {
    name: o.name,
    path: o.path,
    passed: o.passed,
    // `actual` is absent (not null) when the decision has no such field: JSON has no undefined.
    mismatches: o.mismatches.map((m) => ({ path: m.path, expected: m.expected, ...(m.actual === undefined ? {} : { actual: m.actual }), message: m.message })),
    ...(o.rule !== undefined ? { rule: o.rule } : {}),
    ...(o.error ? { error: o.error } : {}),
    ...(o.decision ? { decision: o.decision } : {}),
  };
}

/** One line per failing test, for the errors of a refused publish. */
export function failureMessage(t: PolicyTestResult): string {
  if (t.error?.kind === 'runtime') return `test "${t.name}" failed to evaluate at ${t.error.path}: ${t.error.message}`;
  if (t.error?.kind === 'input') return `test "${t.name}": its input does not match the input schema (${(t.error.problems ?? []).map((p) => `${p.path} ${p.message}`).join('; ')})`;
  return `test "${t.name}" failed: ${t.mismatches.map((m) => `${m.path || '/'} ${m.message}`).join('; ')}`;
}
