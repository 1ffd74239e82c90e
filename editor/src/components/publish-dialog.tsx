/**
 * Publishing from the edit screen: the "Publish…" button and its dialog. A reason is required;
 * activating at once is offered but never the default (publishing alone does not change what
 * decides): from now on, from a date on, or a window, in UTC. The pending edit is saved first,
 * then the draft with exactly that ETag is published. A refusal is shown as the server gives
 * it: each failing test with what differed and a link to the rule that decided it, or each
 * compile problem, or "identical to version N". Success names the new version and what now
 * decides, with the way to the schedule.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { PublishAnswer } from '../../../server/types/schemas.gen.ts';
import { describeWindow, emptyWindowForm, parseWindow } from '../activation-window.ts';
import type { WindowField, WindowForm } from '../activation-window.ts';
import type { Api } from '../api.ts';
import { formatInstant, plural } from '../format.ts';
import type { PolicyEditor } from '../policy-editor.ts';
import { publishRefusal } from '../publish-model.ts';
import type { PublishRefusal } from '../publish-model.ts';
import { useStore } from '../use-store.ts';
import { ErrorBox } from './error-box.tsx';
import { Modal } from './modal.tsx';
import { linkTo, policyHref } from './policy-nav.tsx';
import { WindowFields } from './window-fields.tsx';

interface Props {
  api: Api;
  policy: string;
  editor: PolicyEditor;
  /** Shows a line of the document (the rule a failing test points to). */
  reveal(line: number): void;
  navigate(path: string): void;
  /** After a publish, when the dialog closes: the screen reloads (the draft became a version). */
  onPublished(answer: PublishAnswer): void;
  /** After a refused publish of a draft identical to `version`, which the server discarded, when the dialog closes: the screen reloads (there is no draft any more). */
  onDiscarded(version: number): void;
}

type Phase = { step: 'form' } | { step: 'publishing' } | { step: 'refused'; refusal: PublishRefusal } | { step: 'done'; answer: PublishAnswer };

/** What was typed, kept while the dialog is closed to look at a failing test's rule. */
interface Typed {
  reason: string;
  note: string;
  when: WindowForm;
}

const nothingTyped = (): Typed => ({ reason: '', note: '', when: emptyWindowForm('none') });

export function PublishButton(props: Props): JSX.Element {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState<Typed>(nothingTyped);
  return (
    <>
      <button type="button" class="primary" onClick={() => setOpen(true)} data-testid="publish-open">
        Publish…
      </button>
      {open && <PublishDialog {...props} typed={typed} setTyped={setTyped} onClose={() => setOpen(false)} />}
    </>
  );
}

function PublishDialog({ api, policy, editor, reveal, navigate, onPublished, onDiscarded, onClose, typed, setTyped }: Props & { onClose(): void; typed: Typed; setTyped(t: Typed): void }): JSX.Element {
  const state = useStore(editor);
  const { reason, note, when } = typed;
  const setReason = (v: string) => {
    setTyped({ ...typed, reason: v });
    if (errors.reason) setErrors({ ...errors, reason: undefined });
  };
  const setNote = (v: string) => setTyped({ ...typed, note: v });
  const setWhen = (v: WindowForm) => setTyped({ ...typed, when: v });
  const [errors, setErrors] = useState<{ reason?: string; window?: Partial<Record<WindowField, string>>; form?: string }>({});
  const [phase, setPhase] = useState<Phase>({ step: 'form' });
  /** The version a refused identical draft matched, once the server has discarded that draft. */
  const discardedFor = phase.step === 'refused' && phase.refusal.kind === 'identical' && phase.refusal.discarded ? phase.refusal.version : null;
  const failingHere = state.stale ? 0 : state.tests.filter((t) => !t.passed).length;

  const close = () => {
    onClose();
    // Once the draft it was typed for is published or gone, the next publish starts afresh
    // (not with this one's reason or activation window).
    if (phase.step === 'done') {
      setTyped(nothingTyped());
      onPublished(phase.answer);
    }
    if (discardedFor !== null) {
      setTyped(nothingTyped());
      onDiscarded(discardedFor);
    }
  };

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = parseWindow(when, new Date());
    const next: typeof errors = {};
    if (!reason.trim()) next.reason = 'Say why this version is published: it is kept with the version and in the audit log.';
    if (!parsed.ok) next.window = parsed.errors;
    setErrors(next);
    if (next.reason || next.window || !parsed.ok) return;

    setPhase({ step: 'publishing' });
    await editor.saveNow();
    const saved = editor.get();
    if (saved.save.status === 'conflict' || saved.save.status === 'not-saved') {
      setErrors({ form: 'The draft is not saved (see the message at the top right): resolve that first, then publish.' });
      setPhase({ step: 'form' });
      return;
    }
    if (saved.etag === null) {
      setErrors({ form: 'There is no draft to publish: this is a published version as it is. Change something first.' });
      setPhase({ step: 'form' });
      return;
    }
    try {
      const answer = await api.publishDraft(policy, saved.etag, {
        reason: reason.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(parsed.window ? { activate: parsed.window } : {}),
      });
      setPhase({ step: 'done', answer });
    } catch (err) {
      setPhase({ step: 'refused', refusal: publishRefusal(err, saved.text) });
    }
  }

  if (phase.step === 'done') {
    const { version, activation, tests } = phase.answer;
    const schedule = policyHref(policy, 'schedule');
    return (
      <Modal title={`Version ${version.version} published`} onClose={close} testId="publish-dialog">
        <div class="publish-done" role="status" data-testid="publish-result" data-version={version.version}>
          <p class="good">
            Version {version.version} of {policy} is published{version.note ? ` (“${version.note}”)` : ''}. All {plural(tests.total, 'test')} passed.
          </p>
          <p>
            {activation
              ? `It decides ${describeWindow({ ...(activation.from ? { from: activation.from } : {}), ...(activation.until ? { until: activation.until } : {}) })}${activation.inForce ? ', starting now' : ''}.`
              : 'It is not activated: the versions that decided before still decide. Schedule it when it should decide.'}
          </p>
          <p class="muted">
            Published {formatInstant(version.createdAt)} · content hash <code>{version.contentHash.slice(0, 19)}…</code>
          </p>
        </div>
        <div class="modal-actions">
          <a
            class="button primary"
            href={schedule}
            onClick={(e) => {
              linkTo(navigate, schedule)(e);
              onPublished(phase.answer);
            }}
          >
            {activation ? 'Open the schedule' : `Schedule version ${version.version}`}
          </a>
          <button type="button" onClick={close} autofocus>
            Back to the document
          </button>
        </div>
      </Modal>
    );
  }

  const busy = phase.step === 'publishing';
  return (
    <Modal title={`Publish ${policy}`} onClose={close} wide testId="publish-dialog">
      <form onSubmit={submit} class="publish-form" noValidate aria-busy={busy}>
        <p class="lead">
          The draft becomes the next version, immutable and numbered. Publishing is refused while a test fails.
          {failingHere > 0 && <strong class="bad"> In this browser {failingHere === 1 ? '1 test fails' : `${failingHere} tests fail`}: the server will refuse.</strong>}
        </p>
        <div class="field">
          <label for="publish-reason">Reason (required)</label>
          <textarea id="publish-reason" rows={2} maxLength={1000} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} aria-invalid={errors.reason ? 'true' : undefined} aria-describedby={errors.reason ? 'publish-reason-error' : undefined} autofocus required />
          {errors.reason && (
            <p class="field-error" id="publish-reason-error">
              {errors.reason}
            </p>
          )}
        </div>
        <div class="field">
          <label for="publish-note">Label (optional)</label>
          <input id="publish-note" type="text" maxLength={200} placeholder="e.g. 2029 holiday extension" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        </div>
        <WindowFields id="publish-when" legend="Activate it" modes={['none', 'now', 'from', 'window']} value={when} onChange={setWhen} errors={errors.window ?? {}} disabled={busy} />
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        {phase.step === 'refused' && <Refusal refusal={phase.refusal} policy={policy} navigate={navigate} reveal={(line) => { onClose(); reveal(line); }} />}
        <div class="modal-actions">
          <button type="submit" class="primary" disabled={busy || discardedFor !== null}>
            {busy ? 'Publishing…' : 'Publish'}
          </button>
          <button type="button" onClick={close}>
            {discardedFor !== null ? 'Close' : 'Cancel'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function Refusal({ refusal, policy, navigate, reveal }: { refusal: PublishRefusal; policy: string; navigate(path: string): void; reveal(line: number): void }): JSX.Element {
  if (refusal.kind === 'error') return <ErrorBox error={refusal.error} title="Not published" />;
  return (
    <div class="error-box refusal" role="alert" data-testid="publish-refused" data-kind={refusal.kind}>
      {refusal.kind === 'identical' ? (
        // The server's detail is for API clients (it quotes the content hash): said here for people.
        <strong>
          Not published: the draft is identical to version {refusal.version}, so there is nothing new to publish.
          {refusal.discarded ? ` The draft held no change and is discarded: closing this shows version ${refusal.version}.` : ''}
        </strong>
      ) : (
        <strong>Not published: {refusal.detail}</strong>
      )}
      {refusal.kind === 'tests' && (
        <ul class="refused-tests">
          {refusal.tests.map((t) => (
            <li key={t.path} data-test-name={t.name}>
              <button type="button" class="link test-name" onClick={() => reveal(t.line)} title={`Show the test (line ${t.line})`}>
                {t.name}
              </button>
              {t.messages.length > 0 && (
                <ul class="messages">
                  {t.messages.slice(0, 4).map((m, i) => (
                    <li key={i}>
                      <code>{m}</code>
                    </li>
                  ))}
                  {t.messages.length > 4 && <li class="muted">and {t.messages.length - 4} more</li>}
                </ul>
              )}
              {t.rule && (
                <button type="button" class="link rule-link" onClick={() => reveal(t.rule!.line)}>
                  {t.rule.id === 'expression' ? `the expression that failed (line ${t.rule.line})` : `decided by rule ${t.rule.id} (line ${t.rule.line})`}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {refusal.kind === 'problems' && (
        <ul>
          {refusal.problems.map((p, i) => (
            <li key={i}>
              {p.line !== null ? (
                <button type="button" class="link" onClick={() => reveal(p.line!)}>
                  line {p.line}
                </button>
              ) : null}{' '}
              <code>{p.path || '(document)'}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
      {refusal.kind === 'identical' && (
        <p>
          To put version {refusal.version} in force,{' '}
          <a href={policyHref(policy, 'schedule')} onClick={linkTo(navigate, policyHref(policy, 'schedule'))}>
            schedule it
          </a>
          .
        </p>
      )}
      {refusal.kind === 'stale' && <p>Someone saved the draft after it was loaded here. Reload the page to see their draft.</p>}
    </div>
  );
}
