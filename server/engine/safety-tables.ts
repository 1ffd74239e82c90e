/**
 * Static checks of decision tables: the `table` calls in expressions (a literal name of a
 * table of the document, literal input and output column names that exist) and the tables
 * themselves (size, condition cells, column names used by rows). json-logic would only find
 * a misspelt table or column when the lookup runs, and then silently as "no match".
 */
import type { Problem } from './types.ts';
import { operatorsByName, refusedOperators } from './operators/index.ts';
import { isRecord, pointer } from './expression-sites.ts';
import type { Limits } from './safety-limits.ts';

/** The keys a condition cell object may combine (same list as the schema's "cell"). */
const CELL_TESTS = ['<', '<=', '>', '>=', '==', '!=', 'in', 'notIn'];

/** Names of the columns of a table's `inputs` or `outputs` list; [] when malformed. */
export function columnNames(columns: unknown): string[] {
  if (!Array.isArray(columns)) return [];
  return columns.flatMap((c) => (isRecord(c) && typeof c.name === 'string' ? [c.name] : []));
}

function listOf(what: string, names: string[]): string {
  if (names.length === 0) return `it has no ${what}`;
  return `${what}: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}`;
}

/**
 * Whether the second argument of a `table` call is read as a map of inputs (its values are
 * expressions) rather than as an expression: any object, except one whose single key is an
 * operator (or a refused one) and not an input of the table — that is a json-logic operation
 * computing the inputs. The compiler must read it the same way.
 */
export function isInputsMap(arg: unknown, inputs: readonly string[] | null): arg is Record<string, unknown> {
  if (!isRecord(arg)) return false;
  const keys = Object.keys(arg);
  if (keys.length !== 1) return true;
  const key = keys[0]!;
  if (inputs?.includes(key)) return true;
  return !operatorsByName.has(key) && !Object.hasOwn(refusedOperators, key);
}

/**
 * Checks the arguments of one `{"table": [name, inputs, outputColumn?]}` call; `visit` walks
 * the sub-expressions (computed inputs, computed column) with the caller's checks.
 */
export function checkTableCall(
  args: unknown[],
  argPath: (i: number) => string,
  tables: Record<string, unknown>,
  problems: Problem[],
  visit: (expr: unknown, path: string) => void,
): void {
  if (args.length === 0) return; // the arity problem is already reported
  const name = args[0];
  let table: Record<string, unknown> | null = null;
  if (typeof name !== 'string') {
    problems.push({ path: argPath(0), message: 'the first argument of "table" must be a table name written as text, e.g. "fees"' });
    visit(name, argPath(0));
  } else if (!Object.hasOwn(tables, name)) {
    problems.push({ path: argPath(0), message: `no table named ${JSON.stringify(name)}; ${listOf('tables', Object.keys(tables))}` });
  } else if (isRecord(tables[name])) {
    table = tables[name];
  }
  const label = `table ${JSON.stringify(name)}`;
  const inputs = table ? columnNames(table.inputs) : null;
  const outputs = table ? columnNames(table.outputs) : null;

  if (args.length > 1) {
    const arg = args[1];
    const at = argPath(1);
    if (isInputsMap(arg, inputs)) {
      for (const key of Object.keys(arg)) {
        if (inputs && !inputs.includes(key)) {
          problems.push({ path: pointer(at, key), message: `${label} has no input ${JSON.stringify(key)}; ${listOf('inputs', inputs)}` });
        }
        visit(arg[key], pointer(at, key));
      }
      const missing = inputs ? inputs.filter((n) => !Object.hasOwn(arg, n)) : [];
      if (missing.length > 0) {
        problems.push({ path: at, message: `${label} also needs the input${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')}` });
      }
    } else {
      if (!isRecord(arg)) {
        problems.push({ path: at, message: 'the second argument of "table" must be an object of inputs, e.g. {"category": {"var": "item.category"}}' });
      }
      visit(arg, at);
    }
  }

  if (args.length > 2) {
    const column = args[2];
    const at = argPath(2);
    if (typeof column === 'string') {
      if (outputs && !outputs.includes(column)) {
        problems.push({ path: at, message: `${label} has no output ${JSON.stringify(column)}; ${listOf('outputs', outputs)}` });
      }
    } else if (isRecord(column) && Object.keys(column).length === 1) {
      visit(column, at); // a computed column name: checked when the lookup runs
    } else {
      problems.push({ path: at, message: 'the third argument of "table" must be an output column name written as text' });
    }
  }
  for (let i = 3; i < args.length; i++) visit(args[i], argPath(i));
}

/**
 * Checks the `tables` section: rows and columns within limits, condition cells using only the
 * known tests, and rows naming only the table's own columns (a misspelt input in a row's
 * `when` would otherwise match anything).
 */
export function checkTables(tables: unknown, lim: Limits, problems: Problem[]): void {
  if (!isRecord(tables)) return;
  for (const [name, table] of Object.entries(tables)) {
    if (!isRecord(table)) continue;
    const base = pointer('/tables', name);
    const inputs = columnNames(table.inputs);
    const outputs = columnNames(table.outputs);
    if (inputs.length + outputs.length > lim.maxTableColumns) {
      problems.push({ path: base, message: `table ${JSON.stringify(name)} has ${inputs.length + outputs.length} columns (inputs and outputs); the limit is ${lim.maxTableColumns}` });
    }
    const rows = Array.isArray(table.rows) ? table.rows : [];
    if (rows.length > lim.maxTableRows) {
      problems.push({ path: pointer(base, 'rows'), message: `table ${JSON.stringify(name)} has ${rows.length} rows; the limit is ${lim.maxTableRows}` });
      continue; // too big to be worth checking cell by cell
    }
    rows.forEach((row, i) => {
      if (!isRecord(row)) return;
      const rowPath = pointer(base, 'rows', i);
      if (isRecord(row.when)) {
        for (const [column, cell] of Object.entries(row.when)) {
          const at = pointer(rowPath, 'when', column);
          if (!inputs.includes(column)) {
            problems.push({ path: at, message: `table ${JSON.stringify(name)} has no input ${JSON.stringify(column)}; ${listOf('inputs', inputs)}` });
          }
          const bad = isRecord(cell) ? Object.keys(cell).find((k) => !CELL_TESTS.includes(k)) : undefined;
          if (bad !== undefined) {
            problems.push({ path: at, message: `${JSON.stringify(bad)} is not a table condition; use ${CELL_TESTS.join(', ')}` });
          }
        }
      }
      checkOutputs(row.then, pointer(rowPath, 'then'), name, outputs, problems);
    });
    checkOutputs(table.default, pointer(base, 'default'), name, outputs, problems);
  }
}

function checkOutputs(values: unknown, base: string, name: string, outputs: string[], problems: Problem[]): void {
  if (!isRecord(values)) return;
  for (const column of Object.keys(values)) {
    if (!outputs.includes(column)) {
      problems.push({ path: pointer(base, column), message: `table ${JSON.stringify(name)} has no output ${JSON.stringify(column)}; ${listOf('outputs', outputs)}` });
    }
  }
}
