/**
 * Decision tables under hit policy first: gaps (input combinations no row matches, when the
 * table has no `default`) and rows that never hit (earlier rows match everything they match,
 * or they match no possible input). Each column's values come from the lookups that call the
 * table (domains.ts); the values are split into classes that every cell of the column treats
 * alike (each literal, each bound, the numbers between bounds, ...), and the rows are run on
 * one representative per class with the engine's own cell tests (tables.ts compileCell), so
 * the answer is exact for the classes.
 *
 * Partial overlaps (a row that takes some of a later row's inputs) are not reported: under
 * first match that is how an exception is written before the general case.
 */
import { isRecord, pointer } from '../expression-sites.ts';
import { compileCell } from '../tables.ts';
import type { Lit } from './conditions.ts';
import type { Domain } from './domains.ts';
import { numberReps } from './numbers.ts';
import type { NumRange } from './numbers.ts';
import type { Warning } from './warnings.ts';

/** Cell tests (combinations × rows × columns) beyond this are not run: that part of the table is not analysed. */
const MAX_WORK = 2_000_000;
const OTHER = Object.freeze({ other: true });

interface Column {
  name: string;
  /** The cells of the column, one per row (undefined: the row does not test it). */
  cells: unknown[];
  tested: boolean;
}

const show = (v: unknown) => (v === OTHER ? 'any other value' : JSON.stringify(v));

/** Numbers and strings each cell bound or literal splits the values at. */
function splitPoints(cells: unknown[]): { nums: number[]; strs: string[]; lits: Lit[] } {
  const nums = new Set<number>();
  const strs = new Set<string>();
  const lits = new Set<Lit>();
  const add = (v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) nums.add(v);
    if (typeof v === 'string') strs.add(v);
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') lits.add(v);
  };
  for (const cell of cells) {
    if (cell === undefined || cell === '-') continue;
    if (!isRecord(cell)) { add(cell); continue; }
    for (const v of Object.values(cell)) (Array.isArray(v) ? v : [v]).forEach(add);
  }
  return { nums: [...nums].sort((a, b) => a - b), strs: [...strs].sort(), lits: [...lits] };
}

/** One string per class the string points split all strings into, none equal to a literal unless it is one. */
function stringReps(points: string[]): string[] {
  const out = new Set<string>(points);
  const fresh = (s: string) => {
    for (let t = s + '\u0000'; t.length < s.length + 4; t += '\u0000') if (!points.includes(t)) return t;
    return s + '\u0000';
  };
  if (points.length === 0 || points[0] !== '') out.add('');
  for (const p of points) out.add(fresh(p));
  if (points.length === 0) out.add('\u0000');
  return [...out];
}

const FULL_RANGE: NumRange = { integer: false, lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };

/** Representatives of the values the column can take: only sure ones, or everything possible. */
function reps(domain: Domain, cells: unknown[], which: 'sure' | 'possible'): unknown[] {
  const { nums, strs, lits } = splitPoints(cells);
  const out: unknown[] = [...domain.values];
  if (domain.num) out.push(...numberReps(domain.num, nums));
  if (which === 'possible' && domain.open) {
    out.push(true, false, null, OTHER, ...lits, ...numberReps(FULL_RANGE, nums), ...stringReps(strs));
  }
  return [...new Set(out)];
}

function* combinations(lists: unknown[][]): Generator<unknown[]> {
  const idx = lists.map(() => 0);
  if (lists.some((l) => l.length === 0)) return;
  for (;;) {
    yield idx.map((i, c) => lists[c]![i]);
    let c = lists.length - 1;
    while (c >= 0 && ++idx[c]! === lists[c]!.length) idx[c--] = 0;
    if (c < 0) return;
  }
}

const size = (lists: unknown[][]) => lists.reduce((n, l) => n * Math.max(l.length, 1), 1);

export function analyseTable(name: string, table: Record<string, unknown>, domains: ReadonlyMap<string, Domain> | null): Warning[] {
  if (!Array.isArray(table.inputs) || !Array.isArray(table.rows)) return [];
  const rows = table.rows.filter(isRecord);
  if (rows.length !== table.rows.length) return [];
  const columns: Column[] = table.inputs.filter(isRecord).map((c) => {
    const cname = String(c.name);
    const cells = rows.map((r) => (isRecord(r.when) && Object.hasOwn(r.when, cname) ? r.when[cname] : undefined));
    return { name: cname, cells, tested: cells.some((x) => x !== undefined && x !== '-') };
  });
  let tests: Array<Array<(v: unknown) => boolean>>;
  try {
    tests = rows.map((_, r) => columns.map((c) => compileCell(c.cells[r])));
  } catch {
    return [];
  }
  const tested = columns.filter((c) => c.tested);
  const domainOf = (c: Column): Domain => domains?.get(c.name) ?? { values: [], open: true };
  // combo holds the tested columns' values; untested columns match anything.
  const firstHit = (combo: unknown[]) => rows.findIndex((_, r) => matches(tests[r]!, columns, combo));
  const base = pointer('/tables', name);
  const out: Warning[] = [];

  // Rows that never hit, over every possible value.
  const possible = tested.map((c) => reps(domainOf(c), c.cells, 'possible'));
  if (size(possible) * rows.length * Math.max(tested.length, 1) <= MAX_WORK) {
    const firstOf = new Set<number>();
    const coveredBy = rows.map(() => new Set<number>());
    for (const combo of combinations(possible)) {
      const first = firstHit(combo);
      if (first < 0) continue;
      firstOf.add(first);
      for (let r = first + 1; r < rows.length; r++) {
        if (matches(tests[r]!, columns, combo)) coveredBy[r]!.add(first);
      }
    }
    rows.forEach((_, r) => {
      if (firstOf.has(r)) return;
      const by = [...coveredBy[r]!].sort((a, b) => a - b);
      out.push({
        path: pointer(base, 'rows', r),
        code: 'table-unreachable-row',
        message: by.length
          ? `row ${r + 1} of table \`${name}\` never hits: ${by.length === 1 ? `row ${by[0]! + 1}` : `rows ${by.map((b) => b + 1).join(', ')}`} before it ${by.length === 1 ? 'matches' : 'match'} every input it matches (hit policy first)`
          : `row ${r + 1} of table \`${name}\` never hits: no possible input matches it (${describeDomains(tested, domainOf)})`,
      });
    });
  }

  // Gaps: only over values the inputs surely take, and only without a default.
  if (domains && !isRecord(table.default)) {
    const sure = tested.map((c) => reps(domainOf(c), c.cells, 'sure'));
    if (sure.every((l) => l.length > 0) && size(sure) * rows.length * Math.max(tested.length, 1) <= MAX_WORK) {
      const gaps: unknown[][] = [];
      for (const combo of combinations(sure)) if (firstHit(combo) < 0) gaps.push(combo);
      if (gaps.length) {
        const example = (combo: unknown[]) => tested.map((c, i) => `${c.name} = ${show(combo[i])}`).join(', ');
        const more = gaps.length > 1 ? `; ${gaps.length} uncovered combinations in all, also ${gaps.slice(1, 3).map(example).join('; ')}${gaps.length > 3 ? '; …' : ''}` : '';
        out.push({
          path: base,
          code: 'table-gap',
          message: `table \`${name}\` has no row for ${example(gaps[0]!)}${more}; the lookup then gives null (add a row or a default)`,
        });
      }
    }
  }
  return out;
}

function matches(tests: Array<(v: unknown) => boolean>, columns: Column[], combo: unknown[]): boolean {
  for (let k = 0, ci = 0; k < columns.length; k++) {
    if (!columns[k]!.tested) continue;
    if (!tests[k]!(combo[ci++])) return false;
  }
  return true;
}

function describeDomains(columns: Column[], domainOf: (c: Column) => Domain): string {
  return columns
    .map((c) => {
      const d = domainOf(c);
      return d.open || d.num ? null : `${c.name} is one of ${d.values.map(show).join(', ')}`;
    })
    .filter(Boolean)
    .join('; ') || 'the lookups never pass such values';
}
