/**
 * Values shared by key across everything that asks for them: closures shared by every compiled
 * policy that has an equal one (compiler.ts: constants, reads of a path without a default, by a
 * key saying what the closure does), the parts of cached documents (services/document-parts.ts)
 * and compiled documents by content (services/policy-cache.ts).
 */
import type { Compiled } from './compiler.ts';

/**
 * A table of values by key, held weakly: a value lives as long as someone uses it, and its entry
 * goes with it.
 */
export class WeakTable<T extends object> {
  private readonly values = new Map<string, WeakRef<T>>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    // The key may have a new value by now.
    if (this.values.get(key)?.deref() === undefined) this.values.delete(key);
  });

  get size(): number {
    return this.values.size;
  }

  get(key: string): T | undefined {
    return this.values.get(key)?.deref();
  }

  set(key: string, value: T): void {
    this.values.set(key, new WeakRef(value));
    this.forget.register(value, key);
  }

  /** The value held for the key, or the one `make` builds (and the table then holds). */
  obtain(key: string, make: () => T): T {
    const known = this.get(key);
    if (known) return known;
    const made = make();
    this.set(key, made);
    return made;
  }
}

/** Closures by what they do (compiler.ts). */
export const interned = new WeakTable<Compiled>();

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
