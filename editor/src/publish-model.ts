/**
 * What a refused publish means, from the server's problem (POST .../draft/publish):
 *   422 with `tests`   some embedded tests fail: each one, with what differed and the rule that
 *                      decided it, located in the editor's text (the same view as the checks)
 *   422 otherwise      the draft does not compile: each problem with its path and line
 *   409 with `version` the draft is identical to that version: activate it instead; the server
 *                      discards such a draft (`draftDiscarded`), so the screen reloads on close
 *   412                someone saved the draft after it was loaded here
 * Pure, tested in Node.
 *
 * @example
 *   const refusal = publishRefusal(err, editor.get().text);
 *   if (refusal.kind === 'tests') refusal.tests[0].rule;   // { id: 'within-return-window', line: 412, … }
 */
import type { TestOutcome } from '../../server/engine/index.ts';
import { ApiError } from './api.ts';
import { JsonLocator } from './json-location.ts';
import { testView } from './policy-editor.ts';
import type { TestView } from './policy-editor.ts';

export type PublishRefusal =
  | { kind: 'tests'; detail: string; tests: TestView[] }
  | { kind: 'problems'; detail: string; problems: Array<{ path: string; message: string; line: number | null }> }
  | { kind: 'identical'; detail: string; version: number; discarded: boolean }
  | { kind: 'stale'; detail: string }
  | { kind: 'error'; error: unknown };

export function publishRefusal(error: unknown, text: string): PublishRefusal {
  if (!(error instanceof ApiError)) return { kind: 'error', error };
  let document: unknown;
  let locator: JsonLocator | null = null;
  try {
    document = JSON.parse(text);
    locator = new JsonLocator(text);
  } catch {
    document = undefined;
  }
  if (error.status === 422 && Array.isArray(error.members.tests)) {
    const outcomes = (error.members.tests as TestOutcome[]).filter((t) => t && typeof t.name === 'string' && typeof t.path === 'string');
    const tests = locator
      ? outcomes.map((t) => testView({ ...t, mismatches: t.mismatches ?? [] }, document, locator!))
      : outcomes.map((t) => ({ name: t.name, path: t.path, line: 1, passed: false, messages: (t.mismatches ?? []).map((m) => `${m.path || '(decision)'}: ${m.message}`), rule: null }));
    return { kind: 'tests', detail: error.detail, tests };
  }
  if (error.status === 422) {
    return { kind: 'problems', detail: error.detail, problems: error.errors.map((p) => ({ ...p, line: locator?.locate(p.path)?.line ?? null })) };
  }
  if (error.status === 409 && typeof error.members.version === 'number') return { kind: 'identical', detail: error.detail, version: error.members.version, discarded: error.members.draftDiscarded === true };
  if (error.status === 412) return { kind: 'stale', detail: error.detail };
  return { kind: 'error', error };
}
