/**
 * A minimal store (state, actions, listeners), the pattern of jdm-editor's dt-store: each
 * screen instance creates its own, components read it with useStore() and change it only
 * through its actions. No framework imports, so stores are tested in Node.
 *
 * @example
 *   const counter = createStore({ n: 0 });
 *   counter.subscribe((s) => console.log(s.n));
 *   counter.set({ n: counter.get().n + 1 });   // logs 1
 */
export interface Store<S> {
  get(): S;
  /** Shallow-merges a patch and notifies listeners (once per call, only if something changed). */
  set(patch: Partial<S>): void;
  /** Replaces the whole state (for states that are unions: no field of the old one survives). */
  replace(next: S): void;
  subscribe(listener: (state: S) => void): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    get: () => state,
    set(patch) {
      let changed = false;
      for (const key of Object.keys(patch) as Array<keyof S>) {
        if (!Object.is(state[key], patch[key])) changed = true;
      }
      if (!changed) return;
      state = { ...state, ...patch };
      for (const listener of [...listeners]) listener(state);
    },
    replace(next) {
      if (Object.is(next, state)) return;
      state = next;
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
