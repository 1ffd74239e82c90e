/**
 * Closures shared by every compiled policy that has an equal one, by a key saying what the
 * closure does (compiler.ts: constants, reads of a path without a default). Held weakly: a
 * closure lives as long as a policy uses it, and its entry goes with it.
 */
import type { Compiled } from './compiler.ts';

const closures = new Map<string, WeakRef<Compiled>>();
const forget = new FinalizationRegistry<string>((key) => {
  // The key may have a new closure by now.
  if (closures.get(key)?.deref() === undefined) closures.delete(key);
});

export function interned(key: string, make: () => Compiled): Compiled {
  const known = closures.get(key)?.deref();
  if (known) return known;
  const made = make();
  closures.set(key, new WeakRef(made));
  forget.register(made, key);
  return made;
}
