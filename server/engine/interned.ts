/**
 * Values shared by key across everything that asks for them: closures shared by every compiled
 * policy that has an equal one (compiler.ts: constants, reads of a path without a default, by a
 * key saying what the closure does), and the parts of cached documents (services/document-parts.ts).
 */
import type { Compiled } from './compiler.ts';

/**
 * A table of values by key, held weakly: a value lives as long as someone uses it, and its entry
 * goes with it. `make` builds the value for a key the table does not hold (any more).
 */
export function weakTable<T extends object>(): (key: string, make: () => T) => T {
  const values = new Map<string, WeakRef<T>>();
  const forget = new FinalizationRegistry<string>((key) => {
    // The key may have a new value by now.
    if (values.get(key)?.deref() === undefined) values.delete(key);
  });
  return (key, make) => {
    const known = values.get(key)?.deref();
    if (known) return known;
    const made = make();
    values.set(key, new WeakRef(made));
    forget.register(made, key);
    return made;
  };
}

/** Closures by what they do (compiler.ts). */
export const interned = weakTable<Compiled>();

/**
 * One string for equal strings, from a table of at most `max`: strings cannot be held weakly,
 * so a full table starts again (what it held stays shared by whoever kept it).
 */
export function stringTable(max: number): (text: string) => string {
  const table = new Map<string, string>();
  return (text) => {
    const held = table.get(text);
    if (held !== undefined) return held;
    if (table.size >= max) table.clear();
    table.set(text, text);
    return text;
  };
}
