/** The tables' grid model (editor/src/tables.ts): parse, format/parse round trips, the one-cell edit. */
import { readFileSync } from 'node:fs';
import { parse as parseJsonc } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../editor/src/format-json.ts';
import { ABSENT, cellEdits, cellPath, cellPointer, formatCell, insertRow, moveRow, parseCell, parseTables, removeRow, setCell } from '../../editor/src/tables.ts';
import type { CellKind } from '../../editor/src/tables.ts';

const returnsText = formatJson(JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8')));

describe('tables as grids', () => {
  it("reads solum/returns' tables: input columns then output columns, each row then the default row", () => {
    const tables = parseTables(JSON.parse(returnsText));
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['partialRefunds', 'returnFees', 'refundTimes']));
    const fees = tables.find((t) => t.name === 'returnFees')!;
    expect(fees.columns.map((c) => [c.name, c.kind])).toEqual([['category', 'input'], ['perShipment', 'output'], ['perItem', 'output']]);
    expect(fees.rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 'default']);
    expect(fees.rows[0]!.cells).toEqual({ category: { present: true, value: 'newton_link' }, perShipment: { present: true, value: 12 }, perItem: { present: true, value: 2 } });
    expect(fees.rows[4]!.cells).toEqual({ perShipment: { present: false, value: undefined }, perItem: { present: false, value: undefined } });
  });

  it('normalises whatever the JSON holds', () => {
    expect(parseTables(null)).toEqual([]);
    expect(parseTables({ tables: { odd: 5 } })).toEqual([{ name: 'odd', description: '', columns: [], rows: [{ index: 'default', description: 'Outputs when no row matches.', cells: {} }] }]);
  });

  const roundTrips: Array<[CellKind, unknown, string]> = [
    ['input', 'esl', 'esl'],
    ['input', 'two words', 'two words'],
    ['input', 12, '12'],
    ['input', -0.5, '-0.5'],
    ['input', true, 'true'],
    ['input', false, 'false'],
    ['input', null, 'null'],
    ['input', '12', '"12"'],
    ['input', 'true', '"true"'],
    ['input', '-', '"-"'],
    ['input', '', '""'],
    ['input', 'in', '"in"'],
    ['input', '< 3', '"< 3"'],
    ['input', { in: ['esl', 'accessory'] }, 'in esl, accessory'],
    ['input', { notIn: ['a', 1, null, true] }, 'notIn a, 1, null, true'],
    ['input', { in: ['a, b', 'x and y', '5'] }, 'in "a, b", "x and y", "5"'],
    ['input', { '<': 3 }, '< 3'],
    ['input', { '>=': 2, '<': 5 }, '>= 2 and < 5'],
    ['input', { '==': 'opened' }, '== opened'],
    ['input', { '!=': null }, '!= null'],
    ['input', { '<=': '2026-01-01' }, '<= 2026-01-01'],
    ['input', { in: [] }, '{"in":[]}'],
    ['input', '2026-01-01', '2026-01-01'],
    ['input', '1e999', '"1e999"'],
    ['output', 12, '12'],
    ['output', 0.25, '0.25'],
    ['output', 'standard', 'standard'],
    ['output', '12', '"12"'],
    ['output', '', '""'],
    ['output', true, 'true'],
    ['output', null, 'null'],
    ['output', { a: [1] }, '{"a":[1]}'],
    ['output', [1, 2], '[1,2]'],
  ];
  it.each(roundTrips)('a %s cell %j shows as %s and reads back the same', (kind, value, text) => {
    expect(formatCell({ present: true, value }, kind)).toBe(text);
    expect(parseCell(text, kind)).toEqual({ ok: true, value });
  });

  it('an absent cell shows as "-" (input) or empty (output); both read back as absent', () => {
    expect(formatCell({ present: false, value: undefined }, 'input')).toBe('-');
    expect(formatCell({ present: false, value: undefined }, 'output')).toBe('');
    expect(parseCell('-', 'input')).toEqual({ ok: true, value: ABSENT });
    expect(parseCell('  ', 'input')).toEqual({ ok: true, value: ABSENT });
    expect(parseCell('', 'output')).toEqual({ ok: true, value: ABSENT });
  });

  it('reads the typed forms of tests: JSON objects, "not in", JSON lists, spaces', () => {
    expect(parseCell('{"in": ["esl", "accessory"]}', 'input')).toEqual({ ok: true, value: { in: ['esl', 'accessory'] } });
    expect(parseCell('not in  esl ,accessory', 'input')).toEqual({ ok: true, value: { notIn: ['esl', 'accessory'] } });
    expect(parseCell('in ["esl", 2]', 'input')).toEqual({ ok: true, value: { in: ['esl', 2] } });
    expect(parseCell('>=2', 'input')).toEqual({ ok: true, value: { '>=': 2 } });
  });

  it.each([
    ['input', '{"in": "esl"}', /in needs a list/],
    ['input', '{"like": 1}', /Unknown test "like"/],
    ['input', '{}', /empty object/],
    ['input', '{"in": [', /Not valid JSON/],
    ['input', '[1, 2]', /A list alone/],
    ['input', 'in', /in needs a list/],
    ['input', 'in a,, b', /empty item/],
    ['input', '< true', /compares numbers or strings/],
    ['input', '< 1 and < 2', /given twice/],
    ['input', '< 1 and maybe', /"maybe" is not a test/],
    ['input', 'in "a, b', /not a valid literal/],
    ['output', '{"a": ', /Not valid JSON/],
    ['output', '"open', /Not valid JSON/],
    ['output', '1e999', /too large/],
    ['input', '1e999', /too large/],
  ] as Array<[CellKind, string, RegExp]>)('refuses a %s cell %s, saying why', (kind, text, why) => {
    const parsed = parseCell(text, kind);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(why);
  });

  it('locates cells: rows → when/then, the default row → default', () => {
    expect(cellPath('returnFees', 0, 'category', 'input')).toEqual(['tables', 'returnFees', 'rows', 0, 'when', 'category']);
    expect(cellPath('returnFees', 0, 'perShipment', 'output')).toEqual(['tables', 'returnFees', 'rows', 0, 'then', 'perShipment']);
    expect(cellPath('returnFees', 'default', 'perItem', 'output')).toEqual(['tables', 'returnFees', 'default', 'perItem']);
    expect(cellPointer('returnFees', 2, 'perItem', 'output')).toBe('/tables/returnFees/rows/2/then/perItem');
  });

  it('an edit replaces only that value, in place', () => {
    const path = cellPath('returnFees', 0, 'perShipment', 'output');
    const edits = cellEdits(returnsText, path, 15);
    expect(edits).toHaveLength(1);
    const [edit] = edits;
    expect(returnsText.slice(edit!.offset, edit!.offset + edit!.length)).toBe('12');
    // It is the newton_link row's perShipment.
    const before = returnsText.slice(0, edit!.offset);
    expect(before.slice(before.lastIndexOf('"returnFees"'))).toMatch(/"newton_link"[\s\S]*"perShipment": $/);
    expect(edit!.content).toBe('15');
    const after = setCell(returnsText, path, 15);
    expect(after.length).toBe(returnsText.length);
    expect(parseJsonc(after).tables.returnFees.rows[0].then.perShipment).toBe(15);
    expect(setCell(after, path, 12)).toBe(returnsText);
  });

  it('absent removes the key; setting a missing cell or default adds it', () => {
    const removed = setCell(returnsText, cellPath('returnFees', 1, 'category', 'input'), ABSENT);
    expect(JSON.parse(removed).tables.returnFees.rows[1].when).toEqual({});
    const back = setCell(removed, cellPath('returnFees', 1, 'category', 'input'), 'accessory');
    expect(JSON.parse(back)).toEqual(JSON.parse(returnsText));
    const withDefault = setCell(returnsText, cellPath('returnFees', 'default', 'perItem', 'output'), 0);
    expect(JSON.parse(withDefault).tables.returnFees.default).toEqual({ perItem: 0 });
    const objectCell = setCell(returnsText, cellPath('returnFees', 3, 'category', 'input'), { in: ['esl', 'other'] });
    expect(JSON.parse(objectCell).tables.returnFees.rows[3].when.category).toEqual({ in: ['esl', 'other'] });
  });

  describe('rows (order is meaning under hit policy first)', () => {
    const fees = (text: string) => JSON.parse(text).tables.returnFees.rows as Array<{ when: { category?: unknown }; then: unknown }>;
    const categories = (text: string) => fees(text).map((r) => r.when.category ?? '-');
    const original = categories(returnsText);

    it('inserts an empty row (matches anything, sets nothing) where asked, or last', () => {
      const last = insertRow(returnsText, 'returnFees');
      expect(fees(last)).toHaveLength(original.length + 1);
      expect(fees(last).at(-1)).toEqual({ when: {}, then: {} });
      const first = insertRow(returnsText, 'returnFees', 0);
      expect(categories(first)).toEqual(['-', ...original]);
      // Nothing else in the document moves: only the rows array grows.
      const doc = JSON.parse(first);
      doc.tables.returnFees.rows.shift();
      expect(doc).toEqual(JSON.parse(returnsText));
    });

    it('removes a row, and removing then re-inserting gives the document back', () => {
      const removed = removeRow(returnsText, 'returnFees', 1);
      expect(categories(removed)).toEqual([original[0], ...original.slice(2)]);
      expect(removeRow(returnsText, 'returnFees', 99)).toBe(returnsText);
      expect(removeRow(returnsText, 'returnFees', -1)).toBe(returnsText);
    });

    it('moves a row up or down one place, and not past either end', () => {
      const down = moveRow(returnsText, 'returnFees', 0, 1);
      expect(categories(down)).toEqual([original[1], original[0], ...original.slice(2)]);
      expect(fees(down)[1]).toEqual(fees(returnsText)[0]);
      expect(JSON.parse(moveRow(down, 'returnFees', 1, -1))).toEqual(JSON.parse(returnsText));
      expect(moveRow(returnsText, 'returnFees', 0, -1)).toBe(returnsText);
      expect(moveRow(returnsText, 'returnFees', original.length - 1, 1)).toBe(returnsText);
    });
  });
});
