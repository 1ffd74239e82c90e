/**
 * Monaco, set up once for the policy DSL: the editor core with the contributions a JSON editor
 * needs (hover, completion, folding, find, go to problem, ...), the JSON language with the DSL's
 * JSON Schema (its $refs resolved inline) for completion, hover and validation, and the
 * engine's operator registry for hover docs and completion of operators inside expressions.
 * Only JSON is registered: the full monaco-editor entry would bundle every language.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/codeEditor/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoLine/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/quickCommand/register';
import 'monaco-editor/features/quickHelp/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus';
import 'monaco-editor/editor/browser/coreCommands';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
// The JSON mode, loaded up front: loaded lazily (after the first editor) it registers editor
// contributions whose services the first editor's start did not create, and every later editor
// (opening the document again from another screen) then fails with "depends on UNKNOWN service".
import 'monaco-editor/languages/features/json/jsonMode';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { getLocation } from 'jsonc-parser';
import { operatorsByName } from '../../server/engine/index.ts';
import { operatorMarkdown, paramMarkdown, isExpressionPath } from './docs.ts';
import { resolveRefs } from './schema-refs.ts';
import { schemaFiles } from './schemas.ts';

export { monaco };

/** Where documents live for Monaco: a policy's `"$schema": "../../schemas/policy.schema.json"` resolves to the DSL schema. */
export const modelUri = (tenant: string, policy: string) => monaco.Uri.parse(`file:///policies/${tenant}/${policy}.json`);
const POLICY_SCHEMA_URI = 'file:///schemas/policy.schema.json';

let ready = false;

export function setupMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  (self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
    getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
  };

  const policySchema = resolveRefs(schemaFiles['policy.schema.json'] as Record<string, unknown>);
  jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    enableSchemaRequest: false,
    schemas: [{ uri: POLICY_SCHEMA_URI, fileMatch: ['file:///policies/*'], schema: policySchema }],
  });

  monaco.languages.registerHoverProvider('json', {
    provideHover(model, position) {
      const text = model.getValue();
      const location = getLocation(text, model.getOffsetAt(position));
      const node = location.previousNode;
      if (!node) return null;
      const range = monaco.Range.fromPositions(model.getPositionAt(node.offset), model.getPositionAt(node.offset + node.length));
      if (location.isAtPropertyKey && isExpressionPath(location.path)) {
        const spec = operatorsByName.get(String(node.value));
        if (spec) return { range, contents: [{ value: operatorMarkdown(spec) }] };
      }
      if (!location.isAtPropertyKey && typeof node.value === 'string' && node.value.startsWith('params.')) {
        const doc = safeParse(text);
        const markdown = doc ? paramMarkdown(doc, node.value.slice('params.'.length)) : null;
        if (markdown) return { range, contents: [{ value: markdown }] };
      }
      return null;
    },
  });

  monaco.languages.registerCompletionItemProvider('json', {
    triggerCharacters: ['"'],
    provideCompletionItems(model, position) {
      const location = getLocation(model.getValue(), model.getOffsetAt(position));
      if (!location.isAtPropertyKey || !isExpressionPath(location.path)) return { suggestions: [] };
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const suggestions = [...operatorsByName.values()].map((spec) => ({
        label: spec.name,
        kind: monaco.languages.CompletionItemKind.Function,
        detail: `${spec.family} operator`,
        documentation: { value: operatorMarkdown(spec) },
        insertText: spec.name,
        range,
      }));
      return { suggestions };
    },
  });
  return monaco;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
