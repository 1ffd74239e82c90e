/**
 * The store of one policy editor: the document text is the single source of truth; the params
 * form, the compile problems and the embedded tests are derived from it. Edits come from the
 * JSON editor (setText) or the form (setParam); both end in setText. Checking (compile + tests,
 * in the browser, with the server's engine) is debounced; so is the draft autosave, which
 * sends If-Match and stops at a 412 conflict until the person decides what to keep.
 *
 * Pure: no DOM, no Monaco. Deps (checker, save, reload, timers) are handed in, so it is tested
 * in Node with fake timers and a fake server.
 *
 * @example
 *   const editor = createPolicyEditor({ policy: 'returns', text, etag: null }, { check, save, reload });
 *   editor.setParam('returnWindowDays', 10);   // rewrites "value": 30 → 10 in the text
 *   editor.checkNow();
 *   editor.get().tests.filter((t) => !t.passed);
 */
import type { TestOutcome } from '../../server/engine/index.ts';
import { ApiError } from './api.ts';
import type { PathProblem } from './api.ts';
import type { Checker } from './checker.ts';
import { JsonLocator, pointerOf, pointerSegments } from './json-location.ts';
import { parseParams, setParamValue } from './params.ts';
import type { ParamField } from './params.ts';
import { createStore } from './store.ts';
import type { Store } from './store.ts';
import { printParseErrorCode } from 'jsonc-parser';

/** A problem located in the text. */
export interface LocatedProblem {
  path: string;
  message: string;
  start: number;
  end: number;
  /** 1-based line. */
  line: number;
}

/** A static-analysis warning located in the text (code: see server/engine/analysis/warnings.ts). */
export interface LocatedWarning extends LocatedProblem {
  code: string;
}

export interface TestView {
  name: string;
  /** JSON Pointer of the test, e.g. /tests/4. */
  path: string;
  line: number;
  passed: boolean;
  /** What went wrong, one line each (mismatches, evaluation errors). */
  messages: string[];
  /** The rule to look at: for a failure, the rule that decided the first mismatching field. */
  rule: { id: string; path: string; line: number } | null;
}

export type SaveState =
  | { status: 'read-only'; reason: string }
  | { status: 'unchanged' }
  | { status: 'pending' }
  | { status: 'saving' }
  | { status: 'saved'; at: string }
  | { status: 'not-saved'; message: string; errors: PathProblem[] }
  | { status: 'conflict'; message: string };

export interface PolicyEditorState {
  policy: string;
  text: string;
  /** The JSON does not parse: where and why (nothing else is re-derived until it does). */
  parseError: LocatedProblem | null;
  params: ParamField[];
  /** Compile problems of the last check. */
  problems: LocatedProblem[];
  /** Static-analysis warnings of the last check (the document compiles, but this is probably not meant). */
  warnings: LocatedWarning[];
  tests: TestView[];
  /** True while the text has changed since the last check. */
  stale: boolean;
  checkMs: number | null;
  etag: string | null;
  save: SaveState;
}

export interface SaveResult {
  etag: string;
}

export interface PolicyEditorDeps {
  check: Checker;
  /** Saves the draft (If-Match: etag, or If-None-Match: * when null). Absent: read-only. */
  save?: (document: unknown, etag: string | null) => Promise<SaveResult>;
  /** Reads the server's draft (to resolve a conflict). */
  reload?: () => Promise<{ text: string; etag: string | null }>;
  readOnlyReason?: string;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
  checkDelayMs?: number;
  saveDelayMs?: number;
  now?: () => Date;
}

export interface PolicyEditor extends Store<PolicyEditorState> {
  setText(text: string): void;
  setParam(name: string, value: unknown): void;
  /** Runs the pending check at once. */
  checkNow(): void;
  /** Saves at once (what autosave would do after its delay). */
  saveNow(): Promise<void>;
  /** Conflict: replace my text by the server's draft. */
  takeTheirs(): Promise<void>;
  /** Conflict: save my text over the server's draft, knowingly. */
  keepMine(): Promise<void>;
  dispose(): void;
}

const defaultTimers = { set: (fn: () => void, ms: number) => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };

export function createPolicyEditor(init: { policy: string; text: string; etag: string | null; saved?: boolean }, deps: PolicyEditorDeps): PolicyEditor {
  const timers = deps.timers ?? defaultTimers;
  const checkDelay = deps.checkDelayMs ?? 250;
  const saveDelay = deps.saveDelayMs ?? 800;
  const now = deps.now ?? (() => new Date());
  let checkTimer: unknown = null;
  let saveTimer: unknown = null;
  let saving: Promise<void> | null = null;
  let savedText: string | null = init.saved === false ? null : init.text;
  let disposed = false;

  const store = createStore<PolicyEditorState>({
    policy: init.policy,
    text: init.text,
    parseError: null,
    params: [],
    problems: [],
    warnings: [],
    tests: [],
    stale: true,
    checkMs: null,
    etag: init.etag,
    save: deps.save ? { status: 'unchanged' } : { status: 'read-only', reason: deps.readOnlyReason ?? 'read only' },
  });

  /** Parses the text: the document, or where it stops being JSON. */
  function parse(text: string): { document: unknown; error: LocatedProblem | null } {
    try {
      return { document: JSON.parse(text) as unknown, error: null };
    } catch (err) {
      const locator = new JsonLocator(text);
      const first = locator.errors[0];
      const offset = first?.offset ?? 0;
      const message = first ? `not valid JSON: ${describeParseError(printParseErrorCode(first.error))}` : `not valid JSON: ${(err as Error).message}`;
      return { document: undefined, error: { path: '', message, start: offset, end: offset + (first?.length || 1), line: locator.line(offset) } };
    }
  }

  function derive(text: string): Partial<PolicyEditorState> {
    const { document, error } = parse(text);
    if (error) return { text, parseError: error, stale: true };
    return { text, parseError: null, params: parseParams(document), stale: true };
  }

  function checkNow(): void {
    if (checkTimer !== null) timers.clear(checkTimer);
    checkTimer = null;
    const { text } = store.get();
    const { document, error } = parse(text);
    if (error) {
      store.set({ parseError: error, problems: [], warnings: [], stale: false });
      return;
    }
    const result = deps.check(document, text);
    const locator = new JsonLocator(text);
    const locate = (p: { path: string; message: string }): LocatedProblem => {
      const range = locator.locate(p.path) ?? { start: 0, end: 1, line: 1 };
      return { path: p.path, message: p.message, start: range.start, end: range.end, line: range.line };
    };
    store.set({
      problems: result.problems.map(locate),
      warnings: result.warnings.map((w) => ({ ...locate(w), code: w.code })),
      tests: result.tests.map((t) => testView(t, document, locator)),
      stale: false,
      checkMs: Math.round(result.ms),
    });
  }

  function scheduleCheck(): void {
    if (checkTimer !== null) timers.clear(checkTimer);
    checkTimer = timers.set(checkNow, checkDelay);
  }

  function scheduleSave(): void {
    const { save } = store.get();
    if (!deps.save || save.status === 'conflict' || save.status === 'read-only') return;
    if (saveTimer !== null) timers.clear(saveTimer);
    saveTimer = timers.set(() => void saveNow(), saveDelay);
    if (save.status !== 'saving') store.set({ save: { status: 'pending' } });
  }

  async function saveNow(force = false): Promise<void> {
    if (saveTimer !== null) timers.clear(saveTimer);
    saveTimer = null;
    if (!deps.save || disposed) return;
    if (saving) {
      // One save at a time: the one in flight reschedules itself if the text moved on.
      await saving;
      return;
    }
    const state = store.get();
    if (state.save.status === 'conflict' && !force) return;
    if (state.text === savedText) {
      if (state.save.status !== 'saved') store.set({ save: savedText === null ? { status: 'unchanged' } : { status: 'saved', at: now().toISOString() } });
      return;
    }
    const { document, error } = parse(state.text);
    if (error) {
      store.set({ save: { status: 'not-saved', message: `Not saved: the document is not valid JSON (line ${error.line}).`, errors: [] } });
      return;
    }
    const text = state.text;
    store.set({ save: { status: 'saving' } });
    saving = (async () => {
      try {
        const { etag } = await deps.save!(document, state.etag);
        savedText = text;
        store.set({ etag, save: { status: 'saved', at: now().toISOString() } });
      } catch (err) {
        if (err instanceof ApiError && err.status === 412) {
          store.set({ save: { status: 'conflict', message: 'Someone else saved this draft after you opened it. Your changes are not saved.' } });
        } else {
          const message = err instanceof ApiError ? err.message : `Not saved: ${(err as Error)?.message ?? String(err)}`;
          store.set({ save: { status: 'not-saved', message, errors: err instanceof ApiError ? err.errors : [] } });
        }
      } finally {
        saving = null;
      }
      if (!disposed && store.get().text !== savedText && store.get().save.status === 'saved') scheduleSave();
    })();
    await saving;
  }

  function setText(text: string): void {
    if (text === store.get().text) return;
    store.set(derive(text));
    scheduleCheck();
    scheduleSave();
  }

  store.set(derive(init.text));
  checkNow();

  return {
    ...store,
    setText,
    setParam(name, value) {
      setText(setParamValue(store.get().text, name, value));
    },
    checkNow,
    saveNow: () => saveNow(),
    async takeTheirs() {
      if (!deps.reload) return;
      const { text, etag } = await deps.reload();
      savedText = etag === null ? null : text;
      store.set({ ...derive(text), etag, save: etag === null ? { status: 'unchanged' } : { status: 'saved', at: now().toISOString() } });
      checkNow();
    },
    async keepMine() {
      if (!deps.reload) return;
      const { etag } = await deps.reload();
      store.set({ etag, save: { status: 'pending' } });
      savedText = null;
      await saveNow(true);
    },
    dispose() {
      disposed = true;
      if (checkTimer !== null) timers.clear(checkTimer);
      if (saveTimer !== null) timers.clear(saveTimer);
    },
  };
}

function describeParseError(code: string): string {
  // jsonc-parser's codes are CamelCase identifiers: "CommaExpected" → "comma expected".
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A test outcome with its place in the text and the rule to look at. */
export function testView(t: TestOutcome, document: unknown, locator: JsonLocator): TestView {
  const line = locator.locate(t.path)?.line ?? 1;
  const messages: string[] = [];
  if (t.error?.kind === 'input') messages.push(...t.error.problems.map((p) => `input ${p.path || '(root)'}: ${p.message}`));
  if (t.error?.kind === 'runtime') messages.push(`evaluation failed at ${t.error.path}: ${t.error.message}`);
  for (const m of t.mismatches) messages.push(`${m.path || '(decision)'}: ${m.message}`);

  let ruleId: string | undefined = t.rule;
  let phase: 'main' | 'each' = 'main';
  if (!t.passed && t.decision && t.mismatches[0]) {
    // The deepest `rule` along the first mismatch's path decided that field: a per-item field
    // (/items/0/refundAmount) was decided by that item's rule.
    let node: unknown = t.decision;
    for (const segment of pointerSegments(t.mismatches[0].path)) {
      if (!node || typeof node !== 'object') break;
      node = (node as Record<string, unknown>)[segment];
      const rule = node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>).rule : undefined;
      if (typeof rule === 'string') {
        ruleId = rule;
        phase = 'each';
      }
    }
  }
  let rule: TestView['rule'] = null;
  if (t.error?.kind === 'runtime' && t.error.path) {
    rule = { id: 'expression', path: t.error.path, line: locator.locate(t.error.path)?.line ?? 1 };
  } else if (ruleId) {
    const path = rulePath(document, ruleId, phase);
    if (path) rule = { id: ruleId, path, line: locator.locate(path)?.line ?? 1 };
  }
  return { name: t.name, path: t.path, line, passed: t.passed, messages, rule };
}

/** JSON Pointer of the rule with this id (its phase's rules first, then the other's, then otherwise). */
export function rulePath(document: unknown, id: string, prefer: 'main' | 'each' = 'main'): string | null {
  const doc = (document ?? {}) as { rules?: Array<{ id?: unknown }>; otherwise?: { id?: unknown }; each?: { rules?: Array<{ id?: unknown }>; otherwise?: { id?: unknown } } };
  const phases: Array<['main' | 'each', { rules?: Array<{ id?: unknown }>; otherwise?: { id?: unknown } } | undefined, string[]]> = [
    ['main', doc, []],
    ['each', doc.each, ['each']],
  ];
  if (prefer === 'each') phases.reverse();
  for (const [, phase, base] of phases) {
    if (!phase) continue;
    const i = (phase.rules ?? []).findIndex((r) => r?.id === id);
    if (i >= 0) return pointerOf([...base, 'rules', i]);
    if (phase.otherwise && (phase.otherwise.id ?? 'otherwise') === id) return pointerOf([...base, 'otherwise']);
  }
  return null;
}
