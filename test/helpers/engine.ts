/** Shared test helpers for the engine: a fixed environment and quick expression evaluation. */
import type { Env } from '../../server/engine/types.ts';
import { compileExpression } from '../../server/engine/compiler.ts';

export function testEnv(overrides: Partial<Env> = {}): Env {
  return {
    at: '2024-01-15T12:00:00Z',
    currency: 'USD',
    budget: { steps: 1_000_000, maxCollection: 1_000_000 },
    tables: new Map(),
    ...overrides,
  };
}

/** Compiles and evaluates one expression against data with a fixed clock. */
export function evalExpr(rule: unknown, data: unknown = {}, env: Partial<Env> = {}): unknown {
  const fn = compileExpression(rule, '');
  return fn(data, { env: testEnv(env), root: data, rec: null });
}

import { compile } from '../../server/engine/index.ts';
import type { CompiledPolicy } from '../../server/engine/index.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';

/** Compiles a document against the real schemas/ registry, failing the test with its problems. */
export function compileOk(doc: unknown): CompiledPolicy {
  const result = compile(doc, { registry: schemaRegistry() });
  if (!result.ok) throw new Error(`expected the document to compile: ${JSON.stringify(result.problems)}`);
  return result.policy;
}

/** The problems compile reports for a document (empty when it compiles). */
export function compileProblems(doc: unknown): Array<{ path: string; message: string }> {
  const result = compile(doc, { registry: schemaRegistry() });
  return result.ok ? [] : result.problems;
}
