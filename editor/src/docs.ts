/**
 * Hover documentation: an operator of the engine's registry (name, family, arity, doc,
 * examples) and a param of the document (value, unit, description, source), as Markdown.
 *
 * @example
 *   operatorMarkdown(operatorsByName.get('daysBetween')!);
 *   // "**daysBetween** · time operator, 2 arguments\n\nWhole UTC calendar days …"
 */
import type { OperatorSpec } from '../../server/engine/index.ts';

export function operatorMarkdown(spec: OperatorSpec): string {
  const [min, max] = spec.arity;
  const arity = min === max ? `${min} argument${min === 1 ? '' : 's'}` : max === Infinity ? `${min} or more arguments` : `${min} to ${max} arguments`;
  const examples = spec.examples.map(([expr, result]) => `    ${JSON.stringify(expr)}  →  ${JSON.stringify(result)}`).join('\n');
  return `**${spec.name}** · ${spec.family} operator, ${arity}\n\n${spec.doc}${examples ? `\n\nExamples:\n\n${examples}` : ''}`;
}

export function paramMarkdown(document: unknown, name: string): string | null {
  const params = (document as { params?: Record<string, { value?: unknown; unit?: string; description?: string; source?: string }> } | null)?.params;
  const param = params && Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
  if (!param) return null;
  const lines = [`**params.${name}** = \`${JSON.stringify(param.value)}\`${param.unit ? ` (${param.unit})` : ''}`];
  if (param.description) lines.push(param.description);
  if (param.source) lines.push(`> ${param.source}`);
  return lines.join('\n\n');
}

const NOT_EXPRESSIONS = new Set(['params', 'tables', 'tests', 'fixtures', 'input', 'output', '$schema', 'key', 'title', 'description']);
const EXPRESSION_KEYS = new Set(['when', 'then', 'value', 'over']);

/** Whether a JSON path (from jsonc-parser's getLocation) is inside a JSON-logic expression. */
export function isExpressionPath(path: ReadonlyArray<string | number>): boolean {
  if (!path.length || NOT_EXPRESSIONS.has(String(path[0]))) return false;
  // The key is the last segment: an operator sits strictly below when/then/value/over, except
  // that the keys right under `then` are decision fields.
  if (path[path.length - 2] === 'then') return false;
  return path.slice(0, -1).some((segment) => typeof segment === 'string' && EXPRESSION_KEYS.has(segment));
}
