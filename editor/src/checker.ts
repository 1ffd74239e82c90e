/**
 * Checks a policy document in the browser with exactly the server's engine: compile (shape,
 * the DSL schema, the operator allow-list, safety bounds) and, when it compiles, every embedded
 * test and the static analysis (the warnings the server answers on save). Pure: the schema registry is handed in (bundled from schemas/ in the browser, read from
 * disk in tests).
 *
 * @example
 *   const check = createChecker(createSchemaRegistry(schemas));
 *   const result = check(JSON.parse(text), text);
 *   result.problems;                       // [] or [{ path: '/rules/2/when', message }]
 *   result.tests.filter((t) => !t.passed); // the failing embedded tests
 */
import { compile, runPolicyTests } from '../../server/engine/index.ts';
import type { CompiledPolicy, Problem, SchemaRegistry, TestOutcome } from '../../server/engine/index.ts';
import { analyzePolicy } from '../../server/engine/analysis/index.ts';
import type { Warning } from '../../server/engine/analysis/index.ts';

export interface CheckResult {
  /** Compile problems, each with the JSON Pointer of its place in the document. */
  problems: Problem[];
  /** Outcomes of the embedded tests; empty when the document does not compile. */
  tests: TestOutcome[];
  /** Static-analysis warnings (server/engine/analysis); empty when the document does not compile. */
  warnings: Warning[];
  policy: CompiledPolicy | null;
  /** Time the check took, in milliseconds. */
  ms: number;
}

export type Checker = (document: unknown, text: string) => CheckResult;

export function createChecker(registry: SchemaRegistry): Checker {
  return (document, text) => {
    const started = performance.now();
    const compiled = compile(document, { registry, sourceText: text });
    if (!compiled.ok) return { problems: compiled.problems, tests: [], warnings: [], policy: null, ms: performance.now() - started };
    const tests = runPolicyTests(compiled.policy);
    const warnings = analyzePolicy(document, { schema: (id) => registry.schema(id) });
    return { problems: [], tests, warnings, policy: compiled.policy, ms: performance.now() - started };
  };
}
