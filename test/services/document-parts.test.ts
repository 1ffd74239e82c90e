/**
 * Cached documents hold their parts once per process (server/services/document-parts.ts): a
 * tenant that changed one rule shares every other rule, table and param with the documents
 * already held; each document still reads exactly as the JSON it was read from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { internParts } from '../../server/services/document-parts.ts';

const text = readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8');
const solumReturns = () => JSON.parse(text) as Record<string, any>;

describe('internParts', () => {
  it('shares every part equal to one already held, keeps the parts that differ, and reads as its JSON', () => {
    const original = internParts(solumReturns());
    const changed = solumReturns();
    changed.rules[0].when = { '!': [changed.rules[0].when] };
    changed.params.returnWindowDays.value = 45;
    const expected = structuredClone(changed);
    const mine = internParts(changed);

    expect(mine).toEqual(expected);
    expect(JSON.stringify(mine)).toBe(JSON.stringify(expected));
    expect(mine.rules[1]).toBe(original.rules[1]);
    expect(mine.tables).toBe(original.tables);
    expect(mine.params.holidayExtension).toBe(original.params.holidayExtension);
    expect(mine.rules[0]).not.toBe(original.rules[0]);
    expect(mine.rules[0].then).toBe(original.rules[0].then);
    expect(mine.params.returnWindowDays).not.toBe(original.params.returnWindowDays);
    expect(mine).not.toBe(original);
    expect(original.params.returnWindowDays.value).toBe(30);
  });

  it('does not share parts whose JSON differs only in key order, and keeps a "__proto__" member a member', () => {
    const a = internParts(JSON.parse('{"x": {"a": 1, "b": 2}, "y": [1, 2]}'));
    const b = internParts(JSON.parse('{"x": {"b": 2, "a": 1}, "y": [1, 2]}'));
    expect(b.x).not.toBe(a.x);
    expect(Object.keys(b.x)).toEqual(['b', 'a']);
    expect(b.y).toBe(a.y);

    const hostile = internParts(JSON.parse('{"rules": {"__proto__": {"polluted": true}}, "__proto__": {"polluted": true}}'));
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(hostile.rules)).toBe(Object.prototype);
    expect(Object.keys(hostile)).toEqual(['rules', '__proto__']);
    expect(Object.keys(hostile.rules)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves values that are not objects as they are', () => {
    expect(internParts(null)).toBeNull();
    expect(internParts('text')).toBe('text');
    expect(internParts(42)).toBe(42);
  });
});
