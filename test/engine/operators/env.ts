/** Test helpers for the operator library: a fixed evaluation env and a direct operator call. */
import type { Env } from '../../../server/engine/types.ts';
import { operatorsByName } from '../../../server/engine/operators/index.ts';

/** A fresh env each call (the budget is spent by operators), at a fixed instant in USD. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return {
    at: '2024-01-15T12:00:00Z',
    currency: 'USD',
    budget: { steps: 100000, maxCollection: 100000 },
    tables: new Map(),
    ...overrides,
  };
}

/** Calls an operator's fn with already-evaluated arguments, as the engine does. */
export function call(name: string, args: unknown[], env: Env = testEnv()): unknown {
  const fn = operatorsByName.get(name)?.fn;
  if (!fn) throw new Error(`no operator function named ${name}`);
  return fn(args, env);
}
