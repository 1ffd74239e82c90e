/** The editor's store primitive and its routes (editor/src/store.ts, router.ts). */
import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from '../../editor/src/router.ts';
import { createStore } from '../../editor/src/store.ts';

describe('the store', () => {
  it('merges a patch and tells each listener once, only when something changed', () => {
    const store = createStore({ a: 1, b: 'x' });
    const seen: unknown[] = [];
    const stop = store.subscribe((s) => seen.push(s));
    store.set({ a: 2 });
    store.set({ a: 2, b: 'x' });
    expect(seen).toEqual([{ a: 2, b: 'x' }]);
    stop();
    store.set({ a: 3 });
    expect(seen.length).toBe(1);
  });

  it('replaces a union state whole, so no field of the old one survives', () => {
    const store = createStore<{ status: 'in'; secret: string } | { status: 'out' }>({ status: 'in', secret: 's' });
    store.replace({ status: 'out' });
    expect(store.get()).toEqual({ status: 'out' });
  });
});

describe('routes', () => {
  it('maps paths to screens and back', () => {
    expect(parseRoute('/')).toEqual({ name: 'policies' });
    expect(parseRoute('/policies/')).toEqual({ name: 'policies' });
    expect(parseRoute('/policies/returns')).toEqual({ name: 'edit', policy: 'returns' });
    expect(parseRoute('/policies/a%2Fb')).toEqual({ name: 'edit', policy: 'a/b' });
    expect(parseRoute('/nowhere')).toEqual({ name: 'not-found', path: '/nowhere' });
    expect(parseRoute('/policies/%E0%A4%A')).toEqual({ name: 'not-found', path: '/policies/%E0%A4%A' });
    expect(routePath({ name: 'edit', policy: 'a/b' })).toBe('/policies/a%2Fb');
    expect(routePath({ name: 'policies' })).toBe('/');
  });
});
