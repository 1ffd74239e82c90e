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
