/**
 * Decision-table lookup: {"table": [name, {input: value, ...}, outputColumn?]} returns the
 * outputs of the first matching row (a copy), one output column when named, or null.
 */
import type { OperatorSpec, TableHit } from '../types.ts';
import { OperatorError } from '../types.ts';
import { copyJson } from '../json-copy.ts';

/**
 * The answer of a table call for a matched row: the outputs, or one output column (null when
 * the row has none), as a copy, so no policy can reach (or compare by identity) the table's own
 * values; plain JSON rows (every row of a document parsed from text) need no structuredClone.
 */
export function tableValue(hit: TableHit, column: unknown): unknown {
  const clone = hit.plain === true ? copyJson : structuredClone;
  const value = column === undefined ? hit.outputs : Object.prototype.hasOwnProperty.call(hit.outputs, column as string) ? hit.outputs[column as string] : null;
  if (value === null || typeof value !== 'object') return value;
  const copier = hit.copiers?.get(value);
  return copier ? copier() : clone(value);
}

export const tableOperators: OperatorSpec[] = [
  {
    name: 'table',
    family: 'tables',
    arity: [2, 3],
    doc: 'Looks up a decision table of the policy (hit policy first): {"table": ["fees", {"category": "esl"}, "perItem"]}. Without the output column it returns all outputs of the matched row; null when no row matches and the table has no default.',
    examples: [],
    fn: ([name, inputs, column], env) => {
      const table = env.tables.get(name as string);
      if (!table) throw new OperatorError(`table: no table named ${JSON.stringify(name)}`);
      if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
        throw new OperatorError(`table: the second argument must be an object of inputs`);
      }
      const hit = table.lookup(inputs as Record<string, unknown>);
      if (!hit) return null;
      return tableValue(hit, column);
    },
  },
];
