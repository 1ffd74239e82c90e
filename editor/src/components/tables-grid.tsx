/**
 * The document's decision tables as grids beside the JSON, one collapsible <table> per table:
 * column headers are the input names then the output names, one row per table row plus the
 * default row. Each cell is a text input (see tables.ts for what may be typed); every valid edit
 * goes straight back into the document's text as a one-value edit, and a cell that holds
 * something that is not a cell keeps the person's text, says why, and is not written.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ABSENT, cellPath, cellPointer, formatCell, insertRow, moveRow, parseCell, parseTables, removeRow } from '../tables.ts';
import type { CellValue, TableCell, TableColumn, TableRow, TableView } from '../tables.ts';
import type { JSONPath } from 'jsonc-parser';
import type { LocatedProblem } from '../policy-editor.ts';

interface Props {
  document: unknown;
  problems: LocatedProblem[];
  disabled: boolean;
  onChange(path: JSONPath, value: CellValue): void;
  /** A whole-text edit (rows added, removed or moved). */
  onEdit(edit: (text: string) => string): void;
}

export function TablesGrid({ document, problems, disabled, onChange, onEdit }: Props): JSX.Element | null {
  const tables = parseTables(document);
  if (tables.length === 0) return null;
  return (
    <div class="tables-grids">
      <h3>Tables</h3>
      {tables.map((t) => (
        <Grid key={t.name} table={t} problems={problems.filter((p) => p.path === `/tables/${t.name}` || p.path.startsWith(`/tables/${t.name}/`))} disabled={disabled} onChange={onChange} onEdit={onEdit} />
      ))}
    </div>
  );
}

function rowLabel(row: TableRow): string {
  return row.index === 'default' ? 'default' : `row ${row.index + 1}`;
}

function Grid({ table, problems, disabled, onChange, onEdit }: { table: TableView; problems: LocatedProblem[]; disabled: boolean; onChange(path: JSONPath, value: CellValue): void; onEdit(edit: (text: string) => string): void }): JSX.Element {
  const captionId = `table-${table.name}-caption`;
  const count = table.rows.length - 1;
  return (
    <details class="table-grid" data-table={table.name} open>
      <summary>
        <span class="mono">{table.name}</span> <span class="muted">table, {table.rows.length - 1} rows</span>
      </summary>
      <div class="grid-scroll">
        <table aria-labelledby={captionId}>
          <caption id={captionId} class="sr-only">
            Table {table.name}
          </caption>
          <thead>
            <tr>
              <td />
              {table.columns.map((c) => (
                <th key={`${c.kind}-${c.name}`} scope="col" class={c.kind} title={c.description}>
                  <span class="mono">{c.name}</span>
                  <span class="col-kind">{c.kind === 'input' ? 'when' : 'then'}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={String(row.index)} class={row.index === 'default' ? 'default-row' : undefined}>
                <th scope="row" title={row.description}>
                  {row.index === 'default' ? 'default' : <RowActions table={table.name} index={row.index} count={count} disabled={disabled} onEdit={onEdit} />}
                </th>
                {table.columns.map((c) =>
                  row.index === 'default' && c.kind === 'input' ? (
                    <td key={`${c.kind}-${c.name}`} class="no-cell" aria-label={`${table.name} default, ${c.name}: not a condition`}>
                      —
                    </td>
                  ) : (
                    <Cell
                      key={`${c.kind}-${c.name}`}
                      table={table.name}
                      row={row}
                      column={c}
                      cell={row.cells[c.name]!}
                      problems={problems.filter((p) => p.path === cellPointer(table.name, row.index, c.name, c.kind) || p.path.startsWith(`${cellPointer(table.name, row.index, c.name, c.kind)}/`))}
                      disabled={disabled}
                      onChange={onChange}
                    />
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!disabled && (
        <button type="button" class="add-row" onClick={() => onEdit((text) => insertRow(text, table.name))}>
          Add a row to {table.name}
        </button>
      )}
      {problems.length > 0 && (
        <ul class="field-error">
          {problems.map((p, i) => (
            <li key={i}>
              {p.path.replace(/^\/tables\//, '')}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/** The row's number with its actions: order is meaning under hit policy first, so rows move. */
function RowActions({ table, index, count, disabled, onEdit }: { table: string; index: number; count: number; disabled: boolean; onEdit(edit: (text: string) => string): void }): JSX.Element {
  const n = index + 1;
  return (
    <span class="row-head">
      <span class="row-number">{n}</span>
      {!disabled && (
        <span class="row-actions">
          <button type="button" aria-label={`Move ${table} row ${n} up`} title="Move up (earlier rows win)" disabled={index === 0} onClick={() => onEdit((text) => moveRow(text, table, index, -1))}>
            ↑
          </button>
          <button type="button" aria-label={`Move ${table} row ${n} down`} title="Move down" disabled={index === count - 1} onClick={() => onEdit((text) => moveRow(text, table, index, 1))}>
            ↓
          </button>
          <button type="button" aria-label={`Insert a row into ${table} above row ${n}`} title="Insert a row above" onClick={() => onEdit((text) => insertRow(text, table, index))}>
            +
          </button>
          <button type="button" aria-label={`Remove ${table} row ${n}`} title="Remove this row" onClick={() => onEdit((text) => removeRow(text, table, index))}>
            ×
          </button>
        </span>
      )}
    </span>
  );
}

function Cell({ table, row, column, cell, problems, disabled, onChange }: { table: string; row: TableRow; column: TableColumn; cell: TableCell; problems: LocatedProblem[]; disabled: boolean; onChange(path: JSONPath, value: CellValue): void }): JSX.Element {
  const shown = formatCell(cell, column.kind);
  const [local, setLocal] = useState<{ text: string; error: string | null }>({ text: shown, error: null });
  const id = `cell-${table}-${String(row.index)}-${column.kind}-${column.name}`;

  // Follow the document when it changes from elsewhere (the JSON editor, undo, a reload).
  useEffect(() => {
    const mine = parseCell(local.text, column.kind);
    if (!mine.ok || !same(mine.value, cell)) setLocal({ text: shown, error: null });
  }, [shown]);

  const input = (text: string) => {
    const parsed = parseCell(text, column.kind);
    if (!parsed.ok) {
      setLocal({ text, error: parsed.error });
      return;
    }
    setLocal({ text, error: null });
    if (!same(parsed.value, cell)) onChange(cellPath(table, row.index, column.name, column.kind), parsed.value);
  };

  const messages = [local.error, ...problems.map((p) => p.message)].filter(Boolean);
  const invalid = messages.length > 0;
  return (
    <td class={`${column.kind}${invalid ? ' invalid' : ''}`}>
      <input
        id={id}
        type="text"
        class="mono"
        spellcheck={false}
        value={local.text}
        disabled={disabled}
        aria-label={`${table} ${rowLabel(row)}, ${column.name} (${column.kind === 'input' ? 'condition' : 'output'})`}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        placeholder={column.kind === 'input' ? '-' : ''}
        onInput={(e) => input(e.currentTarget.value)}
      />
      {invalid && (
        <p id={`${id}-error`} class="cell-error" role="status">
          {messages.join(' ')}
        </p>
      )}
    </td>
  );
}

function same(value: CellValue, cell: TableCell): boolean {
  if (value === ABSENT) return !cell.present;
  return cell.present && JSON.stringify(value) === JSON.stringify(cell.value);
}
