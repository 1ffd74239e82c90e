/**
 * Decision tables (DMN-style, hit policy "first"): rows of condition cells over named inputs,
 * each giving literal outputs. Compiled once into a lookup the `table` operator calls.
 */
import { isPlainTree, literalCopier } from './json-copy.ts';
import type { CompiledTable } from './types.ts';

export interface TableDefinition {
  description?: string;
  inputs: Array<{ name: string }>;
  outputs: Array<{ name: string }>;
  rows: Array<{ when?: Record<string, unknown>; then: Record<string, unknown>; description?: string }>;
  default?: Record<string, unknown>;
}

type CellTest = (value: unknown) => boolean;

const sameType = (a: unknown, b: unknown) => typeof a === typeof b;

/** Turns one condition cell into a predicate (see policy.schema.json#/$defs/cell). */
export function compileCell(cell: unknown): CellTest {
  if (cell === undefined || cell === '-') return () => true;
  if (cell === null || typeof cell !== 'object') return (v) => v === cell;
  const tests: CellTest[] = [];
  for (const [k, bound] of Object.entries(cell as Record<string, unknown>)) {
    switch (k) {
      case '<': tests.push((v) => sameType(v, bound) && (v as number) < (bound as number)); break;
      case '<=': tests.push((v) => sameType(v, bound) && (v as number) <= (bound as number)); break;
      case '>': tests.push((v) => sameType(v, bound) && (v as number) > (bound as number)); break;
      case '>=': tests.push((v) => sameType(v, bound) && (v as number) >= (bound as number)); break;
      case '==': tests.push((v) => v === bound); break;
      case '!=': tests.push((v) => v !== bound); break;
      case 'in': tests.push((v) => (bound as unknown[]).includes(v)); break;
      case 'notIn': tests.push((v) => !(bound as unknown[]).includes(v)); break;
      default: throw new Error(`unknown cell test ${JSON.stringify(k)}`);
    }
  }
  return (v) => tests.every((t) => t(v));
}

/** Literal copiers for a plain row's outputs object and for each of its object-valued outputs. */
function copiersOf(outputs: Record<string, unknown>): ReadonlyMap<unknown, () => unknown> | undefined {
  const copiers = new Map<unknown, () => unknown>();
  for (const value of [outputs, ...Object.values(outputs)]) {
    if (value === null || typeof value !== 'object' || copiers.has(value)) continue;
    const copier = literalCopier(value);
    if (copier) copiers.set(value, copier);
  }
  return copiers.size ? copiers : undefined;
}

export function compileTable(name: string, def: TableDefinition): CompiledTable {
  const rows = def.rows.map((row, index) => {
    const checks = def.inputs
      .filter((input) => row.when !== undefined && Object.prototype.hasOwnProperty.call(row.when, input.name))
      .map((input) => ({ name: input.name, test: compileCell(row.when![input.name]) }));
    const plain = isPlainTree(row.then);
    return { checks, row: index, outputs: row.then, plain, copiers: plain ? copiersOf(row.then) : undefined };
  });
  const fallbackPlain = def.default ? isPlainTree(def.default) : false;
  const fallback = def.default ? { row: -1, outputs: def.default, plain: fallbackPlain, copiers: fallbackPlain ? copiersOf(def.default) : undefined } : null;
  const shape = {
    rows: def.rows.map((row, index) => ({
      cells: def.inputs
        .filter((input) => row.when !== undefined && Object.prototype.hasOwnProperty.call(row.when, input.name))
        .map((input) => [input.name, row.when![input.name]] as const),
      hit: { row: index, outputs: rows[index]!.outputs, plain: rows[index]!.plain, copiers: rows[index]!.copiers },
    })),
    fallback: fallback ? { ...fallback } : null,
  };
  return {
    name,
    shape,
    lookup(inputs) {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        let hit = true;
        for (const check of row.checks) {
          const value = Object.prototype.hasOwnProperty.call(inputs, check.name) ? inputs[check.name] : null;
          if (!check.test(value)) { hit = false; break; }
        }
        if (hit) return { row: row.row, outputs: row.outputs, plain: row.plain, copiers: row.copiers };
      }
      return fallback ? { ...fallback } : null;
    },
  };
}
