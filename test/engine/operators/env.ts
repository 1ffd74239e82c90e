/** Test helpers for the operator library: a fixed evaluation env and a direct operator call. */
import type { Env } from '../../../server/engine/types.ts';
import { testEnv } from '../../helpers/engine.ts';
import { operatorsByName } from '../../../server/engine/operators/index.ts';

export { testEnv };

/** Calls an operator's fn with already-evaluated arguments, as the engine does. */
export function call(name: string, args: unknown[], env: Env = testEnv()): unknown {
  const fn = operatorsByName.get(name)?.fn;
  if (!fn) throw new Error(`no operator function named ${name}`);
  return fn(args, env);
}
