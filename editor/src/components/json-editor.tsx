/**
 * Monaco as a controlled component: `value` in, `onChange` out. A value that differs from the
 * editor's text (a params-form edit, a reload) is applied as one minimal edit, so the cursor,
 * the scroll position and undo history survive. Monaco is loaded on first use (it is most of
 * the app's weight), in its own chunk, so sign-in and the policy list do not wait for it.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { LocatedProblem, LocatedWarning } from '../policy-editor.ts';

export interface Reveal {
  line: number;
  /** Changes on every request, so asking twice for the same line reveals it twice. */
  nonce: number;
}

interface Props {
  value: string;
  onChange(text: string): void;
  tenant: string;
  policy: string;
  readOnly: boolean;
  /** Engine problems to mark; only set when they belong to the current text. */
  markers: LocatedProblem[] | null;
  /** Static-analysis warnings to mark (yellow squiggles), likewise. */
  warnings?: LocatedWarning[] | null;
  reveal: Reveal | null;
  label: string;
}

interface Loaded {
  monaco: typeof Monaco;
  editor: Monaco.editor.IStandaloneCodeEditor;
  model: Monaco.editor.ITextModel;
}

export function JsonEditor(props: Props): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const loaded = useRef<Loaded | null>(null);
  const applying = useRef(false);
  const latest = useRef(props);
  latest.current = props;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    import('../monaco-setup.ts').then(
      ({ setupMonaco, modelUri }) => {
        if (disposed || !host.current) return;
        const monaco = setupMonaco();
        const uri = modelUri(props.tenant, props.policy);
        monaco.editor.getModel(uri)?.dispose();
        const model = monaco.editor.createModel(latest.current.value, 'json', uri);
        const editor = monaco.editor.create(host.current, {
          model,
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          lineNumbersMinChars: 4,
          scrollBeyondLastLine: false,
          tabSize: 2,
          insertSpaces: true,
          wordWrap: 'on',
          wrappingIndent: 'indent',
          fixedOverflowWidgets: true,
          readOnly: latest.current.readOnly,
          ariaLabel: latest.current.label,
          renderValidationDecorations: 'on',
          hover: { delay: 250 },
        });
        model.onDidChangeContent(() => {
          if (!applying.current) latest.current.onChange(model.getValue());
        });
        loaded.current = { monaco, editor, model };
        host.current.dataset.ready = 'true';
        setReady(true);
      },
      (err: unknown) => setFailed((err as Error)?.message ?? String(err)),
    );
    return () => {
      disposed = true;
      loaded.current?.editor.dispose();
      loaded.current?.model.dispose();
      loaded.current = null;
    };
  }, [props.tenant, props.policy]);

  // Controlled value: apply an outside change as one minimal edit.
  useEffect(() => {
    const m = loaded.current;
    if (!m) return;
    const current = m.model.getValue();
    const next = props.value;
    if (current === next) return;
    let start = 0;
    while (start < current.length && start < next.length && current.charCodeAt(start) === next.charCodeAt(start)) start++;
    let endA = current.length;
    let endB = next.length;
    while (endA > start && endB > start && current.charCodeAt(endA - 1) === next.charCodeAt(endB - 1)) {
      endA--;
      endB--;
    }
    const range = m.monaco.Range.fromPositions(m.model.getPositionAt(start), m.model.getPositionAt(endA));
    applying.current = true;
    try {
      m.model.pushStackElement();
      m.model.pushEditOperations([], [{ range, text: next.slice(start, endB), forceMoveMarkers: true }], () => null);
      m.model.pushStackElement();
    } finally {
      applying.current = false;
    }
    m.editor.revealLineInCenterIfOutsideViewport(m.model.getPositionAt(start).lineNumber);
  }, [props.value, ready]);

  useEffect(() => {
    loaded.current?.editor.updateOptions({ readOnly: props.readOnly });
  }, [props.readOnly, ready]);

  useEffect(() => {
    const m = loaded.current;
    if (!m || !props.markers) return;
    m.monaco.editor.setModelMarkers(
      m.model,
      'policy-engine',
      props.markers.map((p) => {
        const s = m.model.getPositionAt(p.start);
        const e = m.model.getPositionAt(Math.max(p.end, p.start + 1));
        return { severity: m.monaco.MarkerSeverity.Error, message: `${p.message} (${p.path || 'document'})`, source: 'policy engine', startLineNumber: s.lineNumber, startColumn: s.column, endLineNumber: e.lineNumber, endColumn: e.column };
      }),
    );
  }, [props.markers, ready]);

  useEffect(() => {
    const m = loaded.current;
    if (!m || !props.warnings) return;
    m.monaco.editor.setModelMarkers(
      m.model,
      'policy-analysis',
      props.warnings.map((w) => {
        const s = m.model.getPositionAt(w.start);
        const e = m.model.getPositionAt(Math.max(w.end, w.start + 1));
        return { severity: m.monaco.MarkerSeverity.Warning, message: `${w.message} (${w.path || 'document'})`, code: w.code, source: 'policy analysis', startLineNumber: s.lineNumber, startColumn: s.column, endLineNumber: e.lineNumber, endColumn: e.column };
      }),
    );
  }, [props.warnings, ready]);

  useEffect(() => {
    const m = loaded.current;
    if (!m || !props.reveal) return;
    m.editor.revealLineInCenter(props.reveal.line);
    m.editor.setPosition({ lineNumber: props.reveal.line, column: 1 });
    m.editor.focus();
  }, [props.reveal, ready]);

  return (
    <div class="json-editor">
      <div ref={host} class="monaco-host" data-testid="monaco" />
      {!ready && !failed && <p class="monaco-loading muted">Loading the code editor…</p>}
      {failed && (
        <p class="error" role="alert">
          The code editor could not load ({failed}). Reload the page to try again.
        </p>
      )}
    </div>
  );
}
