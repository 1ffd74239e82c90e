/**
 * The params form's model: parseParams() normalises a document's `params` into form fields
 * (the boundary where whatever the JSON holds becomes typed fields), and setParamValue()
 * writes one value back into the JSON text as a minimal edit (jsonc-parser's modify), so the
 * rest of the document keeps its formatting and the editor keeps its undo history.
 *
 * @example
 *   parseParams({ params: { returnWindowDays: { value: 30, unit: 'days', description: '…' } } });
 *   // [{ name: 'returnWindowDays', kind: 'number', value: 30, unit: 'days', … }]
 *   setParamValue(text, 'returnWindowDays', 45);   // the same text with `"value": 45`
 */
import { applyEdits, modify } from 'jsonc-parser';
import { formatJson } from './format-json.ts';
import { pointerOf } from './json-location.ts';

export type ParamKind = 'number' | 'string' | 'boolean' | 'json';

export interface ParamField {
  name: string;
  kind: ParamKind;
  value: unknown;
  description: string;
  unit: string | null;
  source: string | null;
  /** JSON Pointer of the value in the document, to match compile problems to the field. */
  path: string;
}

export function parseParams(document: unknown): ParamField[] {
  const params = isObject(document) && isObject(document.params) ? document.params : {};
  return Object.entries(params).map(([name, raw]) => {
    const param = isObject(raw) ? raw : {};
    const value = param.value;
    return {
      name,
      kind: kindOf(value),
      value,
      description: typeof param.description === 'string' ? param.description : '',
      unit: typeof param.unit === 'string' ? param.unit : null,
      source: typeof param.source === 'string' ? param.source : null,
      path: pointerOf(['params', name, 'value']),
    };
  });
}

function kindOf(value: unknown): ParamKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}

/** The text with params.<name>.value replaced by `value`, everything else untouched. */
export function setParamValue(text: string, name: string, value: unknown): string {
  const edits = modify(text, ['params', name, 'value'], value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  return applyEdits(text, edits);
}

/** How a value is shown in a JSON field of the form: on one line (the field wraps it) unless long. */
export function formatJsonValue(value: unknown): string {
  return formatJson(value, 120).trimEnd();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
