/**
 * An embedded test's input is its fixture merged with the test's own input (deepMerge). A test
 * input {"__proto__": {...}} (an own key, as JSON.parse makes it) read the fixture's inherited
 * __proto__ (Object.prototype) and set the merged input's prototype (found by the hostile
 * documents of issue 7). It is now a plain key, and only own keys of the fixture are merged.
 */
import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../server/engine/index.ts';

describe('deepMerge of a fixture and a test input', () => {
  it('keeps "__proto__" as a plain own key and sets no prototype', () => {
    const merged = deepMerge({ order: { id: 'x' } }, JSON.parse('{"__proto__": {"polluted": "yes"}, "request": {}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['order', '__proto__', 'request']);
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('merges only the fixture\'s own keys (an inherited "constructor" is not merged into)', () => {
    const merged = deepMerge({ a: 1 }, { constructor: { prototype: { polluted: true } } }) as Record<string, unknown>;
    expect(merged.constructor).toEqual({ prototype: { polluted: true } });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('still merges nested objects, the test input winning', () => {
    expect(deepMerge({ order: { id: 'x', total: 1 }, request: { r: 1 } }, { order: { total: 2 } })).toEqual({ order: { id: 'x', total: 2 }, request: { r: 1 } });
  });
});
