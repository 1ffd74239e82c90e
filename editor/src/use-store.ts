/** Reads a store in a component and re-renders on every change. */
import { useEffect, useState } from 'preact/hooks';
import type { Store } from './store.ts';

export function useStore<S>(store: Pick<Store<S>, 'get' | 'subscribe'>): S {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(setState);
  }, [store]);
  return state;
}
