/** The params form's model and the document formatter (editor/src/params.ts, format-json.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../editor/src/format-json.ts';
import { parseParams, setParamValue } from '../../editor/src/params.ts';

const returns = readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8');

describe('params as form fields', () => {
  it('types each field by its value: number, text, yes/no, or JSON', () => {
    const fields = parseParams({
      params: {
        days: { value: 30, unit: 'days', description: 'Window.', source: 'Within 30 days' },
        name: { value: 'SAI', description: 'Where.' },
        on: { value: true, description: 'Switch.' },
        list: { value: ['a'], description: 'List.' },
        blank: { value: null, description: 'Blank in the text.' },
      },
    });
    expect(fields.map((f) => [f.name, f.kind])).toEqual([['days', 'number'], ['name', 'string'], ['on', 'boolean'], ['list', 'json'], ['blank', 'json']]);
    expect(fields[0]).toMatchObject({ unit: 'days', description: 'Window.', source: 'Within 30 days', path: '/params/days/value' });
    expect(fields[1]).toMatchObject({ unit: null, source: null });
  });

  it('normalises whatever the JSON holds: no params, a non-object param', () => {
    expect(parseParams({})).toEqual([]);
    expect(parseParams(null)).toEqual([]);
    expect(parseParams({ params: { odd: 5 } })).toEqual([{ name: 'odd', kind: 'json', value: undefined, description: '', unit: null, source: null, path: '/params/odd/value' }]);
  });

  it('writes one value back as a minimal edit, leaving the rest of the text as it was', () => {
    const next = setParamValue(returns, 'returnWindowDays', 45);
    expect(JSON.parse(next).params.returnWindowDays.value).toBe(45);
    const i = returns.indexOf('"value": 30');
    expect(next.slice(0, i)).toBe(returns.slice(0, i));
    expect(next.slice(i + '"value": 45'.length)).toBe(returns.slice(i + '"value": 30'.length));
  });

  it('writes structured values (a holiday extension object) as JSON', () => {
    const value = { purchasedFrom: '2023-10-11', purchasedThrough: '2023-12-25', returnUntil: '2024-01-31' };
    expect(JSON.parse(setParamValue(returns, 'holidayExtension', value)).params.holidayExtension.value).toEqual(value);
  });
});

describe('formatting a document for reading', () => {
  it('keeps short values on one line and opens long ones level by level', () => {
    const doc = { key: 'k', let: [{ name: 'd', value: { daysBetween: [{ var: 'deliveredAt' }, { now: [] }] } }], empty: {}, none: [] };
    expect(formatJson(doc, 70)).toBe(
      [
        '{',
        '  "key": "k",',
        '  "let": [',
        '    {',
        '      "name": "d",',
        '      "value": {"daysBetween": [{"var": "deliveredAt"}, {"now": []}]}',
        '    }',
        '  ],',
        '  "empty": {},',
        '  "none": []',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('round-trips every seed policy, much shorter than JSON.stringify(doc, null, 2)', () => {
    const doc = JSON.parse(returns);
    const text = formatJson(doc);
    expect(JSON.parse(text)).toEqual(doc);
    expect(text.split('\n').length).toBeLessThan(JSON.stringify(doc, null, 2).split('\n').length * 0.6);
  });
});
