/** JSON Pointer → text range (editor/src/json-location.ts): where problems and rules are marked. */
import { describe, expect, it } from 'vitest';
import { JsonLocator, lineAt, pointerOf, pointerSegments } from '../../editor/src/json-location.ts';

const TEXT = `{
  "params": {"window/days": {"value": 30}},
  "rules": [
    {"id": "a", "when": {"<": [1, 2]}},
    {"id": "b", "when": true}
  ]
}
`;

describe('JSON Pointer → text range', () => {
  const locator = new JsonLocator(TEXT);

  it('marks a scalar value itself, on its line', () => {
    const r = locator.locate('/rules/1/when')!;
    expect(TEXT.slice(r.start, r.end)).toBe('true');
    expect(r).toMatchObject({ line: 5, exact: true });
  });

  it('marks an object or array by its property name, not a squiggle over its whole body', () => {
    const r = locator.locate('/rules/0/when')!;
    expect(TEXT.slice(r.start, r.end)).toBe('"when"');
    expect(r.line).toBe(4);
    const rules = locator.locate('/rules')!;
    expect(TEXT.slice(rules.start, rules.end)).toBe('"rules"');
  });

  it('marks an array element object by its opening brace', () => {
    const r = locator.locate('/rules/1')!;
    expect(TEXT.slice(r.start, r.end)).toBe('{');
    expect(r.line).toBe(5);
  });

  it('decodes ~1 and ~0 in segments', () => {
    const r = locator.locate('/params/window~1days/value')!;
    expect(TEXT.slice(r.start, r.end)).toBe('30');
    expect(pointerSegments('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    expect(pointerOf(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
  });

  it('falls back to the nearest existing ancestor for a missing property ("is required")', () => {
    const r = locator.locate('/rules/1/then')!;
    expect(TEXT.slice(r.start, r.end)).toBe('{');
    expect(r).toMatchObject({ line: 5, exact: false });
    expect(locator.locate('/rules/7/when')).toMatchObject({ exact: false, line: 3 });
  });

  it('takes the root for "" and counts lines like Monaco', () => {
    expect(locator.locate('')).toMatchObject({ start: 0, end: 1, line: 1, exact: true });
    expect(lineAt(TEXT, TEXT.indexOf('"b"'))).toBe(5);
    expect(locator.line(TEXT.indexOf('"b"'))).toBe(5);
  });

  it('follows JSON.parse on duplicate keys: the last one counts', () => {
    const text = '{"a": 1, "a": 2}';
    const r = new JsonLocator(text).locate('/a')!;
    expect(text.slice(r.start, r.end)).toBe('2');
  });

  it('gives the JSON path at an offset, for hover docs', () => {
    expect(locator.pathAt(TEXT.indexOf('"<"') + 1)).toEqual(['rules', 0, 'when', '<']);
  });
});
