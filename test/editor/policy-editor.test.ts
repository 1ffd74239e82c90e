/**
 * The policy editor's store (editor/src/policy-editor.ts) with the real engine on the real
 * solum/returns document, manual timers and a fake draft server: the text is the one source of
 * truth, the form and the checks follow it, and autosave never overwrites someone else's save.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../editor/src/api.ts';
import { createChecker } from '../../editor/src/checker.ts';
import { createPolicyEditor, rulePath } from '../../editor/src/policy-editor.ts';
import type { PolicyEditorDeps } from '../../editor/src/policy-editor.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';

const TEXT = readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8');
const check = createChecker(schemaRegistry());

/** Timers run only when the test says so. */
function manualTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  return {
    set: (fn: () => void) => {
      pending.set(next, fn);
      return next++;
    },
    clear: (h: unknown) => void pending.delete(h as number),
    get size() {
      return pending.size;
    },
    async flush() {
      while (pending.size) {
        const [id, fn] = pending.entries().next().value!;
        pending.delete(id);
        fn();
        await new Promise((r) => setTimeout(r, 0));
      }
    },
  };
}

/** A draft endpoint with If-Match semantics: one draft, an ETag that changes on every save. */
function fakeServer() {
  const state = { etag: null as string | null, document: null as unknown, saves: [] as Array<string | null> };
  let n = 0;
  const save: NonNullable<PolicyEditorDeps['save']> = async (document, etag) => {
    state.saves.push(etag);
    if (etag !== state.etag) throw new ApiError(412, '/problems/precondition-failed', 'Precondition failed', 'the draft changed since you read it', [], 'r1');
    state.etag = `e${++n}`;
    state.document = document;
    return { etag: state.etag };
  };
  const reload = async () => ({ text: JSON.stringify(state.document), etag: state.etag });
  const someoneElseSaves = (document: unknown) => {
    state.etag = `e${++n}`;
    state.document = document;
  };
  return { state, save, reload, someoneElseSaves };
}

describe('the policy editor store', () => {
  it('locates the static-analysis warnings at their lines, and drops them while the text does not parse', () => {
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check });
    expect(editor.get().warnings.map((w) => [w.code, w.path])).toEqual([['table-gap', '/tables/refundTimes']]);
    const doc = JSON.parse(TEXT);
    doc.rules.splice(1, 0, { id: 'again', when: doc.rules[0].when, then: doc.rules[0].then });
    const text = JSON.stringify(doc, null, 2);
    editor.setText(text);
    editor.checkNow();
    const shadowed = editor.get().warnings.find((w) => w.code === 'unreachable-rule')!;
    expect(shadowed).toMatchObject({ path: '/rules/1/when', message: expect.stringContaining('rule `again` never applies') });
    expect(text.split('\n')[shadowed.line - 1]).toContain('"when"');
    expect(editor.get().problems).toEqual([]);
    editor.setText(text.slice(0, -3));
    editor.checkNow();
    expect(editor.get().warnings).toEqual([]);
  });

  it('derives the params, the compile problems and every embedded test from the text', () => {
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check });
    const s = editor.get();
    expect(s.params.find((p) => p.name === 'returnWindowDays')).toMatchObject({ kind: 'number', value: 30, unit: 'days' });
    expect(s.problems).toEqual([]);
    expect(s.tests.length).toBe(JSON.parse(TEXT).tests.length);
    expect(s.tests.every((t) => t.passed)).toBe(true);
    expect(s.stale).toBe(false);
    expect(s.save).toEqual({ status: 'read-only', reason: 'read only' });
  });

  it('a form edit rewrites the JSON, and the debounced check reports the failing tests with the rule that decided', async () => {
    const timers = manualTimers();
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers });
    editor.setParam('returnWindowDays', 10);
    expect(JSON.parse(editor.get().text).params.returnWindowDays.value).toBe(10);
    expect(editor.get().stale).toBe(true);
    await timers.flush();
    const s = editor.get();
    expect(s.stale).toBe(false);
    const failing = s.tests.filter((t) => !t.passed);
    expect(failing.length).toBeGreaterThan(0);
    for (const t of failing) {
      expect(t.messages.length).toBeGreaterThan(0);
      expect(t.rule).not.toBeNull();
      // The line named is the line of that rule's object in the text.
      const lines = s.text.split('\n');
      expect(lines.slice(t.rule!.line - 1).join('\n')).toContain(`"id": "${t.rule!.id}"`);
    }
    editor.setParam('returnWindowDays', 30);
    editor.checkNow();
    expect(editor.get().tests.every((t) => t.passed)).toBe(true);
  });

  it('a JSON edit updates the form; text that is not JSON says where, and keeps the last form', () => {
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check });
    editor.setText(TEXT.replace('"value": 30', '"value": 31'));
    expect(editor.get().params.find((p) => p.name === 'returnWindowDays')!.value).toBe(31);
    const broken = TEXT.replace('"value": 30,', '"value": 30');
    editor.setText(broken);
    editor.checkNow();
    const s = editor.get();
    expect(s.parseError).toMatchObject({ message: 'not valid JSON: comma expected' });
    expect(s.parseError!.line).toBe(broken.slice(0, s.parseError!.start).split('\n').length);
    expect(s.params.find((p) => p.name === 'returnWindowDays')!.value).toBe(31);
  });

  it('a compile problem is located at its JSON path\'s line', () => {
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT.replace('"daysBetween"', '"daysBetwen"'), etag: null, saved: false }, { check });
    const [p] = editor.get().problems;
    expect(p).toMatchObject({ message: 'unknown operator "daysBetwen" (see README, Operators)' });
    expect(editor.get().text.split('\n')[p!.line - 1]).toContain('daysBetwen');
    expect(editor.get().tests).toEqual([]);
  });

  it('autosaves after the delay: If-None-Match for the first draft, then If-Match with each new ETag', async () => {
    const timers = manualTimers();
    const server = fakeServer();
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers, save: server.save, reload: server.reload });
    editor.setParam('processingMaxDays', 15);
    expect(editor.get().save).toEqual({ status: 'pending' });
    await timers.flush();
    expect(editor.get().save.status).toBe('saved');
    editor.setParam('processingMaxDays', 16);
    await timers.flush();
    expect(server.state.saves).toEqual([null, 'e1']);
    expect(editor.get().etag).toBe('e2');
    expect((server.state.document as { params: { processingMaxDays: { value: number } } }).params.processingMaxDays.value).toBe(16);
  });

  it('edits made while a save is in flight are saved right after it', async () => {
    const timers = manualTimers();
    const server = fakeServer();
    let release!: () => void;
    const slowSave: PolicyEditorDeps['save'] = async (doc, etag) => {
      await new Promise<void>((r) => (release = r));
      return server.save(doc, etag);
    };
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers, save: slowSave });
    editor.setParam('processingMaxDays', 15);
    const first = editor.saveNow();
    await new Promise((r) => setTimeout(r, 0));
    editor.setParam('processingMaxDays', 16);
    release();
    await first;
    expect(editor.get().save.status).toBe('pending');
    const flushing = timers.flush();
    await new Promise((r) => setTimeout(r, 0));
    release();
    await flushing;
    expect(server.state.saves).toEqual([null, 'e1']);
    expect(editor.get().save.status).toBe('saved');
  });

  it('a 412 stops autosave with a plain conflict, and nothing overwrites the other save until the person chooses', async () => {
    const timers = manualTimers();
    const server = fakeServer();
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers, save: server.save, reload: server.reload });
    editor.setParam('processingMaxDays', 15);
    await timers.flush();
    server.someoneElseSaves({ ...JSON.parse(TEXT), title: 'theirs' });

    editor.setParam('processingMaxDays', 16);
    await timers.flush();
    expect(editor.get().save).toEqual({ status: 'conflict', message: 'Someone else saved this draft after you opened it. Your changes are not saved.' });
    editor.setParam('processingMaxDays', 17);
    expect(timers.size).toBe(1); // the check only: no save is scheduled
    await timers.flush();
    expect(server.state.saves).toEqual([null, 'e1']);
    expect((server.state.document as { title: string }).title).toBe('theirs');

    await editor.keepMine();
    expect(server.state.saves).toEqual([null, 'e1', 'e2']);
    expect(editor.get().save.status).toBe('saved');
    expect((server.state.document as { params: { processingMaxDays: { value: number } } }).params.processingMaxDays.value).toBe(17);
  });

  it('"take theirs" replaces the text with the server\'s draft', async () => {
    const timers = manualTimers();
    const server = fakeServer();
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers, save: server.save, reload: server.reload });
    editor.setParam('processingMaxDays', 15);
    await timers.flush();
    server.someoneElseSaves({ ...JSON.parse(TEXT), title: 'theirs' });
    editor.setParam('processingMaxDays', 16);
    await timers.flush();
    await editor.takeTheirs();
    expect(JSON.parse(editor.get().text).title).toBe('theirs');
    expect(editor.get().params.find((p) => p.name === 'processingMaxDays')!.value).toBe(14);
    expect(editor.get().save.status).toBe('saved');
    expect(editor.get().etag).toBe(server.state.etag);
  });

  it('does not send text that is not JSON, and says why', async () => {
    const timers = manualTimers();
    const server = fakeServer();
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers, save: server.save });
    editor.setText(`${TEXT}}`);
    await timers.flush();
    expect(editor.get().save).toMatchObject({ status: 'not-saved', message: expect.stringMatching(/^Not saved: the document is not valid JSON \(line \d+\)\.$/) });
    expect(server.state.saves).toEqual([]);
  });

  it('shows other save errors with the server\'s message and paths, and tries again on the next edit', async () => {
    const timers = manualTimers();
    let fail = true;
    const save: PolicyEditorDeps['save'] = async () => {
      if (fail) throw new ApiError(400, '/problems/invalid-body', 'Invalid body', 'the body does not match', [{ path: '/document', message: 'must be object' }], 'r2');
      return { etag: 'ok' };
    };
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null, saved: false }, { check, timers, save });
    editor.setParam('processingMaxDays', 15);
    await timers.flush();
    expect(editor.get().save).toEqual({ status: 'not-saved', message: 'Invalid body: the body does not match', errors: [{ path: '/document', message: 'must be object' }] });
    fail = false;
    editor.setParam('processingMaxDays', 16);
    await timers.flush();
    expect(editor.get().save.status).toBe('saved');
  });

  it('is read-only without a save function: edits are checked, never saved', async () => {
    const timers = manualTimers();
    const editor = createPolicyEditor({ policy: 'returns', text: TEXT, etag: null }, { check, timers, readOnlyReason: 'a viewer key' });
    editor.setParam('returnWindowDays', 10);
    await timers.flush();
    expect(editor.get().save).toEqual({ status: 'read-only', reason: 'a viewer key' });
  });

  it('finds a rule by id in the order-level rules, the per-item rules or otherwise', () => {
    const doc = JSON.parse(TEXT);
    expect(rulePath(doc, doc.rules[0].id)).toBe('/rules/0');
    expect(rulePath(doc, doc.each.rules[1].id, 'each')).toBe('/each/rules/1');
    expect(rulePath(doc, doc.otherwise.id ?? 'otherwise')).toBe('/otherwise');
    expect(rulePath(doc, 'no-such-rule')).toBeNull();
  });
});
