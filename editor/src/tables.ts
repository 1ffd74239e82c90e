/**
 * The decision tables as grids: parseTables() turns a document's `tables` into columns (input
 * names, then output names) and rows (each table row, then the default row); formatCell() shows
 * a cell as text and parseCell() reads typed text back (or says why it is not a cell);
 * cellEdits()/setCell() write one cell into the JSON text as a minimal jsonc-parser edit, so the
 * rest of the document keeps its formatting and Monaco keeps its undo history.
 *
 * Input (condition) cells: "-" or empty → absent (matches anything); a bare word → that string;
 * numbers, true, false, null → JSON; `in a, b` / `notIn a, b` → {"in": […]}; `< 3`, `>= 2`,
 * `== x`, `!= x` → that test; tests joined with " and " → one object; JSON objects as typed.
 * Output cells: empty → absent; JSON if it parses, else the bare text as a string.
 *
 * @example
 *   parseCell('in esl, accessory', 'input');   // { ok: true, value: { in: ['esl', 'accessory'] } }
 *   formatCell({ '>=': 2, '<': 5 }, 'input');   // '>= 2 and < 5'
 *   setCell(text, cellPath('returnFees', 0, 'perShipment', 'output'), 15);
 */
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree } from 'jsonc-parser';
import type { Edit, JSONPath } from 'jsonc-parser';
import { pointerOf } from './json-location.ts';

export type CellKind = 'input' | 'output';

export interface TableColumn {
  name: string;
  kind: CellKind;
  description: string;
}

/** One cell's content: `present` false when the key is absent from the row. */
export interface TableCell {
  present: boolean;
  value: unknown;
}

export interface TableRow {
  /** The row's index in `rows`, or 'default' for the default outputs. */
  index: number | 'default';
  description: string;
  cells: Record<string, TableCell>;
}

export interface TableView {
  name: string;
  description: string;
  columns: TableColumn[];
  rows: TableRow[];
}

/** The value that removes a cell (absent: matches anything / no output). */
export const ABSENT: unique symbol = Symbol('absent');
export type CellValue = unknown;

export type ParsedCell = { ok: true; value: CellValue } | { ok: false; error: string };

export function parseTables(document: unknown): TableView[] {
  const tables = isObject(document) && isObject(document.tables) ? document.tables : {};
  return Object.entries(tables).map(([name, raw]) => {
    const table = isObject(raw) ? raw : {};
    const columns: TableColumn[] = [...columnsOf(table.inputs, 'input'), ...columnsOf(table.outputs, 'output')];
    const rows: TableRow[] = (Array.isArray(table.rows) ? table.rows : []).map((r: unknown, index: number) => {
      const row = isObject(r) ? r : {};
      const when = isObject(row.when) ? row.when : {};
      const then = isObject(row.then) ? row.then : {};
      return { index, description: typeof row.description === 'string' ? row.description : '', cells: cellsOf(columns, when, then) };
    });
    const dflt = isObject(table.default) ? table.default : {};
    rows.push({ index: 'default', description: 'Outputs when no row matches.', cells: cellsOf(columns.filter((c) => c.kind === 'output'), {}, dflt) });
    return { name, description: typeof table.description === 'string' ? table.description : '', columns, rows };
  });
}

function columnsOf(list: unknown, kind: CellKind): TableColumn[] {
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is Record<string, unknown> => isObject(c) && typeof c.name === 'string').map((c) => ({ name: c.name as string, kind, description: typeof c.description === 'string' ? c.description : '' }));
}

function cellsOf(columns: TableColumn[], when: Record<string, unknown>, then: Record<string, unknown>): Record<string, TableCell> {
  const cells: Record<string, TableCell> = {};
  for (const c of columns) {
    const from = c.kind === 'input' ? when : then;
    cells[c.name] = Object.hasOwn(from, c.name) ? { present: true, value: from[c.name] } : { present: false, value: undefined };
  }
  return cells;
}

/** Where a cell lives in the document. */
export function cellPath(table: string, row: number | 'default', column: string, kind: CellKind): JSONPath {
  return row === 'default' ? ['tables', table, 'default', column] : ['tables', table, 'rows', row, kind === 'input' ? 'when' : 'then', column];
}

/** The JSON Pointer of a cell (to match compile problems to it). */
export function cellPointer(table: string, row: number | 'default', column: string, kind: CellKind): string {
  return pointerOf(cellPath(table, row, column, kind));
}

/** The jsonc-parser edits that set (or, for ABSENT, remove) one cell, nothing else. */
export function cellEdits(text: string, path: JSONPath, value: CellValue): Edit[] {
  return modify(text, path, value === ABSENT ? undefined : value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
}

export function setCell(text: string, path: JSONPath, value: CellValue): string {
  return applyEdits(text, cellEdits(text, path, value));
}

// ---- Rows ----------------------------------------------------------------------------------
// Row order is meaning (hit policy first), so rows are added, removed and moved in the text as
// jsonc-parser edits of the `rows` array alone: the rest keeps its formatting and undo history.

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

function rowsOf(text: string, table: string): unknown[] {
  const root = parseTree(text);
  const node = root ? findNodeAtLocation(root, ['tables', table, 'rows']) : undefined;
  const rows = node ? getNodeValue(node) : undefined;
  return Array.isArray(rows) ? rows : [];
}

/** A new row that matches anything and sets nothing yet, inserted at `index` (default: last). */
export function insertRow(text: string, table: string, index?: number): string {
  const at = Math.max(0, Math.min(index ?? rowsOf(text, table).length, rowsOf(text, table).length));
  return applyEdits(text, modify(text, ['tables', table, 'rows', at], { when: {}, then: {} }, { ...FORMAT, isArrayInsertion: true }));
}

export function removeRow(text: string, table: string, index: number): string {
  if (index < 0 || index >= rowsOf(text, table).length) return text;
  return applyEdits(text, modify(text, ['tables', table, 'rows', index], undefined, FORMAT));
}

/** Moves a row one place up (-1) or down (+1); nothing when it is already at that end. */
export function moveRow(text: string, table: string, index: number, delta: -1 | 1): string {
  const rows = rowsOf(text, table);
  const to = index + delta;
  if (index < 0 || index >= rows.length || to < 0 || to >= rows.length) return text;
  const removed = applyEdits(text, modify(text, ['tables', table, 'rows', index], undefined, FORMAT));
  return applyEdits(removed, modify(removed, ['tables', table, 'rows', to], rows[index], { ...FORMAT, isArrayInsertion: true }));
}

// ---- Formatting and parsing ----------------------------------------------------------------

const COMPARISONS = ['<=', '>=', '<', '>', '==', '!='] as const;
const LISTS = ['notIn', 'in'] as const;
const TESTS = new Set<string>([...COMPARISONS, ...LISTS]);

/** A cell as text in the grid; parseCell(formatCell(v)) gives v back. */
export function formatCell(cell: TableCell, kind: CellKind): string {
  if (!cell.present) return kind === 'input' ? '-' : '';
  const v = cell.value;
  if (kind === 'output') {
    if (typeof v === 'string') return sameCell(parseCell(v, 'output'), v) ? v : JSON.stringify(v);
    return JSON.stringify(v) ?? '';
  }
  if (typeof v === 'string') return sameCell(parseCell(v, 'input'), v) ? v : JSON.stringify(v);
  if (isObject(v)) {
    const parts = Object.entries(v).map(([op, arg]) => (op === 'in' || op === 'notIn') && Array.isArray(arg) ? `${op} ${arg.map(formatScalar).join(', ')}` : `${op} ${formatScalar(arg)}`);
    const text = parts.join(' and ');
    return parts.length > 0 && sameCell(parseCell(text, 'input'), v) ? text : JSON.stringify(v);
  }
  return JSON.stringify(v) ?? '';
}

function formatScalar(v: unknown): string {
  if (typeof v === 'string') {
    const back = parseScalar(v);
    return back.ok && back.value === v && !/[,]|\band\b/.test(v) ? v : JSON.stringify(v);
  }
  return JSON.stringify(v) ?? String(v);
}

function sameCell(parsed: ParsedCell, value: unknown): boolean {
  return parsed.ok && parsed.value !== ABSENT && JSON.stringify(parsed.value) === JSON.stringify(value);
}

/** Typed text back to a cell value (ABSENT to remove it), or why it is not one. */
export function parseCell(text: string, kind: CellKind): ParsedCell {
  const t = text.trim();
  if (kind === 'output') {
    if (t === '') return { ok: true, value: ABSENT };
    if (/^[[{"]/.test(t) || /^(true|false|null)$/.test(t) || looksNumeric(t)) {
      try {
        const v = JSON.parse(t) as unknown;
        return typeof v === 'number' && !Number.isFinite(v) ? { ok: false, error: `${t} is too large a number.` } : { ok: true, value: v };
      } catch {
        return { ok: false, error: 'Not valid JSON.' };
      }
    }
    return { ok: true, value: t };
  }
  if (t === '' || t === '-') return { ok: true, value: ABSENT };
  if (t.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      return { ok: false, error: 'Not valid JSON.' };
    }
    const why = checkTests(value);
    return why ? { ok: false, error: why } : { ok: true, value };
  }
  if (t.startsWith('[')) return { ok: false, error: 'A list alone is not a condition: write "in a, b".' };
  // Tests: "in a, b", "notIn a, b", "< 3", joined with " and ".
  const first = testOf(t);
  if (first !== null) {
    const tests: Record<string, unknown> = {};
    for (const part of splitAnd(t)) {
      const test = testOf(part);
      if (test === null) return { ok: false, error: `"${part}" is not a test: use in, notIn, <, <=, >, >=, == or !=.` };
      if ('error' in test) return { ok: false, error: test.error };
      if (Object.hasOwn(tests, test.op)) return { ok: false, error: `The test ${test.op} is given twice.` };
      tests[test.op] = test.arg;
    }
    return { ok: true, value: tests };
  }
  const scalar = parseScalar(t);
  return scalar.ok ? scalar : { ok: false, error: scalar.error };
}

function splitAnd(t: string): string[] {
  // " and " inside a quoted string does not split.
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '"' && t[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && t.startsWith(' and ', i)) {
      parts.push(t.slice(start, i).trim());
      start = i + 5;
      i += 4;
    }
  }
  parts.push(t.slice(start).trim());
  return parts;
}

function testOf(part: string): { op: string; arg: unknown } | { error: string } | null {
  const list = /^(notIn|not in|in)(?:\s+(.*))?$/s.exec(part);
  if (list) {
    const op = list[1] === 'in' ? 'in' : 'notIn';
    const body = (list[2] ?? '').trim();
    if (body === '') return { error: `${op} needs a list: ${op} a, b.` };
    if (body.startsWith('[')) {
      try {
        const arr = JSON.parse(body) as unknown;
        if (Array.isArray(arr) && arr.every(isScalar)) return { op, arg: arr };
      } catch {
        /* below */
      }
      return { error: `${op} needs a list of strings, numbers, true, false or null.` };
    }
    const items: unknown[] = [];
    for (const raw of splitComma(body)) {
      const item = parseScalar(raw.trim());
      if (!item.ok) return { error: item.error };
      items.push(item.value);
    }
    return { op, arg: items };
  }
  const cmp = /^(<=|>=|==|!=|<|>)\s*(.*)$/s.exec(part);
  if (cmp) {
    const op = cmp[1]!;
    const body = (cmp[2] ?? '').trim();
    if (body === '') return { error: `${op} needs a value.` };
    const arg = parseScalar(body);
    if (!arg.ok) return { error: arg.error };
    if ((op === '<' || op === '<=' || op === '>' || op === '>=') && typeof arg.value !== 'number' && typeof arg.value !== 'string') return { error: `${op} compares numbers or strings.` };
    return { op, arg: arg.value };
  }
  return null;
}

function splitComma(body: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '"' && body[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && body[i] === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** A literal: JSON number/true/false/null/"quoted", else the bare text as a string. */
function parseScalar(t: string): ParsedCell {
  if (t === '') return { ok: false, error: 'An empty item: remove the extra comma.' };
  if (t.startsWith('"') || /^(true|false|null)$/.test(t) || looksNumeric(t)) {
    try {
      const v = JSON.parse(t) as unknown;
      if (typeof v === 'number' && !Number.isFinite(v)) return { ok: false, error: `${t} is too large a number.` };
      if (isScalar(v)) return { ok: true, value: v };
    } catch {
      /* below */
    }
    return { ok: false, error: `${t} is not a valid literal (quote text with "…").` };
  }
  if (/^[[{]/.test(t)) return { ok: false, error: 'Only strings, numbers, true, false or null here.' };
  return { ok: true, value: t };
}

function looksNumeric(t: string): boolean {
  return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Why a JSON object is not a cell's tests (the schema's #/$defs/cell), or null. */
function checkTests(v: unknown): string | null {
  if (!isObject(v)) return 'Not a condition.';
  const keys = Object.keys(v);
  if (keys.length === 0) return 'An empty object: write "-" for anything.';
  for (const k of keys) {
    if (!TESTS.has(k)) return `Unknown test "${k}": use in, notIn, <, <=, >, >=, == or !=.`;
    const arg = v[k];
    if (k === 'in' || k === 'notIn') {
      if (!Array.isArray(arg) || !arg.every(isScalar)) return `${k} needs a list of strings, numbers, true, false or null.`;
    } else if (k === '==' || k === '!=') {
      if (!isScalar(arg)) return `${k} needs a string, number, true, false or null.`;
    } else if (typeof arg !== 'number' && typeof arg !== 'string') return `${k} compares numbers or strings.`;
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
