/** Placeholder: filled in by the operator-library work. */
import type { OperatorSpec } from '../types.ts';

export const timeOperators: OperatorSpec[] = [];
