/**
 * What the static analysis reports. A warning is not a compile problem: a document with
 * warnings still compiles, tests and publishes; each warning states something that holds for
 * every input (no "might"), located by the JSON Pointer of the place to look at.
 */

export type WarningCode =
  /** A rule no input can reach under first match (earlier rules take everything it matches, or its own conditions contradict). */
  | 'unreachable-rule'
  /** `otherwise` is never used: the rules before it match every input. */
  | 'unreachable-otherwise'
  /** Input combinations of a decision table (from the columns' domains) that no row matches, and no `default`. */
  | 'table-gap'
  /** A table row that never hits: earlier rows match everything it matches, or it matches no possible input. */
  | 'table-unreachable-row'
  /** A param no expression, table lookup or explanation reads. */
  | 'unused-param'
  /** A rule (or `otherwise`) that leaves out a decision field the output schema requires or other rules of its block set. */
  | 'missing-output'
  /** A date window whose start is after its end, so it is never open. */
  | 'empty-date-window';

export interface Warning {
  /** JSON Pointer (RFC 6901) into the policy document. */
  path: string;
  code: WarningCode;
  message: string;
}

export const WARNING_CODES: readonly WarningCode[] = [
  'unreachable-rule', 'unreachable-otherwise', 'table-gap', 'table-unreachable-row', 'unused-param', 'missing-output', 'empty-date-window',
];
