/**
 * A policy's schedule (/policies/<key>/schedule): the timeline of which version decides when
 * (GET .../timeline) as a bar with dates, the activations that make it (past, current, future;
 * a future one can be deleted), and, for keys that may publish, scheduling any version for a
 * window or from now on, and rollback as one confirmed action: a new activation of an older
 * version from now on. Each change is previewed as the timeline it will make (the server's own
 * resolution rule, run here), and applied at once on every server.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ActivationView, VersionInfo, VersionList } from '../../../server/types/schemas.gen.ts';
import { resolveTimeline } from '../../../server/services/timeline.ts';
import { describeWindow, emptyWindowForm, parseWindow } from '../activation-window.ts';
import type { ActivationWindow, WindowField, WindowForm } from '../activation-window.ts';
import { can } from '../api.ts';
import type { Api, Me, ScheduleSegment } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Modal } from '../components/modal.tsx';
import { NotForRole, PolicyHead } from '../components/policy-nav.tsx';
import { TimelineBar, versionClass } from '../components/timeline-bar.tsx';
import { WindowFields } from '../components/window-fields.tsx';
import { describeSpan, formatPrecise, neverDeciding, segmentAt } from '../timeline-layout.ts';
import '../release.css';

interface Props {
  api: Api;
  me: Me;
  policy: string;
  navigate(path: string): void;
}

interface Data {
  title: string;
  segments: ScheduleSegment[];
  activations: ActivationView[];
  versions: VersionList;
  /** The server's clock when the timeline was read. */
  now: Date;
}

export function Schedule({ api, me, policy, navigate }: Props): JSX.Element {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const readable = can(me, 'read');
  const mayChange = can(me, 'publish');

  const load = useCallback(async () => {
    const [detail, timeline, activations, versions] = await Promise.all([api.getPolicy(policy), api.timeline(policy), api.listActivations(policy), api.listVersions(policy)]);
    setData({ title: detail.title, segments: timeline.segments, activations: activations.activations, versions, now: new Date(detail.at) });
  }, [api, policy]);

  useEffect(() => {
    if (readable) load().catch(setError);
  }, [load, readable]);

  const changed = async (message: string) => {
    // The notice comes with the timeline it speaks of, not before it.
    await load().catch(setError);
    setNotice(message);
    // What changed is the timeline: show it, with the notice under it.
    document.getElementById('timeline-title')?.scrollIntoView({ block: 'start' });
  };

  if (!readable) return <NotForRole role={me.role} policy={policy} navigate={navigate} />;
  return (
    <section class="page release" aria-busy={!data && !error}>
      <PolicyHead policy={policy} title={data?.title} current="schedule" navigate={navigate} />
      {error !== null && <ErrorBox error={error} />}
      {!data && !error && <p class="muted">Loading the schedule…</p>}
      {data && (
        <>
          <section aria-labelledby="timeline-title" class="block">
            <h2 id="timeline-title">Which version decides when</h2>
            <p class="muted">
              Times in UTC. {describeNow(data)}
            </p>
            <TimelineBar segments={data.segments} now={data.now} label={`Timeline of ${policy}`} testId="timeline" />
            <ol class="segment-list" aria-label="Timeline as a list" data-testid="timeline-list">
              {data.segments.map((s, i) => (
                <li key={i} class={segmentAt([s], data.now) ? 'current' : undefined}>
                  <span class={`swatch ${versionClass(s.version)}`} aria-hidden="true" /> {capitalize(describeSpan(s))}
                  {segmentAt([s], data.now) && <strong> · deciding now</strong>}
                </li>
              ))}
            </ol>
          </section>
          <p role="status" aria-live="polite" class="notice" data-testid="schedule-notice">
            {notice}
          </p>
          <div class="schedule-grid">
            <section aria-labelledby="activations-title" class="block">
              <h2 id="activations-title">Activations</h2>
              <p class="muted">Newest first. Where they overlap, the one made later decides (one whose whole window is covered by later ones never decides). Only one that has not started can be deleted.</p>
              <ActivationTable api={api} policy={policy} activations={data.activations} mayChange={mayChange} onChanged={changed} />
            </section>
            {mayChange ? (
              <div class="actions-column">
                <Rollback api={api} policy={policy} data={data} onChanged={changed} />
                <ScheduleForm api={api} policy={policy} data={data} onChanged={changed} />
              </div>
            ) : (
              <p class="muted">A {me.role} key can read the schedule but not change it.</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function describeNow(data: Data): string {
  const seg = segmentAt(data.segments, data.now);
  const next = data.segments.find((s) => s.from !== null && Date.parse(s.from) > data.now.getTime());
  const nowText = seg?.version ? `Version ${seg.version} decides now` : 'No version decides now';
  return `${nowText} (${formatPrecise(data.now.toISOString())})${next ? `; next change ${formatPrecise(next.from)}: ${next.version === null ? 'no version' : `version ${next.version}`}.` : '; no change is scheduled.'}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The timeline after adding an activation (the server's resolution rule). */
function previewTimeline(activations: ActivationView[], version: number, window: { from: string; until?: string }): ScheduleSegment[] {
  return resolveTimeline([...activations.map((a) => ({ version: a.version, from: a.from, until: a.until })), { version, from: window.from, until: window.until ?? null }]);
}

function ActivationTable({ api, policy, activations, mayChange, onChanged }: { api: Api; policy: string; activations: ActivationView[]; mayChange: boolean; onChanged(message: string): Promise<void> }): JSX.Element {
  const [deleting, setDeleting] = useState<ActivationView | null>(null);
  const never = neverDeciding(activations);
  return (
    <>
      <table class="data activations" data-testid="activations">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Version</th>
            <th scope="col">When</th>
            <th scope="col">State</th>
            <th scope="col">Why · who</th>
            {mayChange && <th scope="col"><span class="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {activations
            .map((a, i) => ({ a, overridden: never.has(i) }))
            .reverse()
            .map(({ a, overridden }) => (
            <tr key={a.id} data-activation={a.id} data-state={a.state} data-overridden={overridden ? 'true' : undefined}>
              <td>{a.id}</td>
              <td class="nowrap">
                <span class={`swatch ${versionClass(a.version)}`} aria-hidden="true" /> version {a.version}
              </td>
              <td class="when">
                {a.from ? `from ${formatPrecise(a.from)}` : 'since the beginning'}
                <br />
                {a.until ? `until ${formatPrecise(a.until)}` : 'open-ended'}
              </td>
              <td>
                <span class={`state ${a.state}`}>{a.state}</span>
                {a.inForce && <span class="badge">in force</span>}
                {overridden && (
                  <span class="never" title="Activations made later cover its whole window">
                    {a.state === 'past' ? 'never decided' : 'never decides'} (overridden)
                  </span>
                )}
              </td>
              <td>
                {a.reason ?? <span class="muted">no reason given</span>}
                <div class="muted small">
                  {a.createdBy} · {formatPrecise(a.createdAt)}
                </div>
              </td>
              {mayChange && (
                <td>
                  {a.state === 'future' && (
                    <button type="button" onClick={() => setDeleting(a)} aria-label={`Delete activation ${a.id} (version ${a.version}, ${describeActivationWindow(a)})`}>
                      Delete…
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && <DeleteActivation api={api} policy={policy} activation={deleting} onClose={() => setDeleting(null)} onChanged={onChanged} />}
    </>
  );
}

function describeActivationWindow(a: Pick<ActivationView, 'from' | 'until'>): string {
  const from = a.from ? `from ${formatPrecise(a.from)}` : 'since the beginning';
  return a.until ? `${from} until ${formatPrecise(a.until)}` : `${from}, open-ended`;
}

function DeleteActivation({ api, policy, activation, onClose, onChanged }: { api: Api; policy: string; activation: ActivationView; onClose(): void; onChanged(message: string): Promise<void> }): JSX.Element {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.deleteActivation(policy, activation.id, reason.trim() || undefined);
      onClose();
      await onChanged(`Deleted activation ${activation.id}: version ${activation.version} ${describeActivationWindow(activation)} will not decide.`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={`Delete activation ${activation.id}?`} onClose={onClose} testId="delete-dialog">
      <form onSubmit={submit}>
        <p>
          Version {activation.version} was scheduled {describeActivationWindow(activation)}. Deleting it means it will not decide then; the timeline goes back to what the other activations say.
        </p>
        <div class="field">
          <label for="delete-reason">Reason (optional, kept in the audit log)</label>
          <input id="delete-reason" type="text" maxLength={1000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} autofocus />
        </div>
        {error !== null && <ErrorBox error={error} title="Not deleted" />}
        <div class="modal-actions">
          <button type="submit" class="danger" disabled={busy}>
            Delete activation {activation.id}
          </button>
          <button type="button" onClick={onClose}>
            Keep it
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * The version to offer for a rollback: the one the in-force activation replaced (the latest
 * open-ended activation of another version made before it), else the newest other version.
 */
function rollbackTarget(data: Data, current: number | null): number | null {
  const acts = data.activations;
  const k = acts.findIndex((a) => a.inForce);
  for (let i = k - 1; i >= 0; i--) {
    const a = acts[i]!;
    if (a.until === null && a.version !== current) return a.version;
  }
  const others = data.versions.versions.map((v) => v.version).filter((v) => v !== current);
  return others.at(-1) ?? null;
}

function Rollback({ api, policy, data, onChanged }: { api: Api; policy: string; data: Data; onChanged(message: string): Promise<void> }): JSX.Element | null {
  const current = segmentAt(data.segments, data.now)?.version ?? null;
  const options = data.versions.versions.filter((v) => v.version !== current);
  const [target, setTarget] = useState<number | null>(() => rollbackTarget(data, current));
  const [confirming, setConfirming] = useState(false);
  useEffect(() => setTarget(rollbackTarget(data, current)), [data, current]);
  if (options.length === 0) return null;
  const chosen = target ?? options.at(-1)!.version;
  return (
    <section aria-labelledby="rollback-title" class="block panel">
      <h2 id="rollback-title">Roll back</h2>
      <p class="muted">{current === null ? 'No version decides now.' : `Version ${current} decides now.`} A rollback makes another version decide from now on (a new activation; nothing is deleted).</p>
      <div class="rollback-form">
        <label for="rollback-version">Version</label>
        <select id="rollback-version" value={String(chosen)} onChange={(e) => setTarget(Number((e.target as HTMLSelectElement).value))}>
          {[...options].reverse().map((v) => (
            <option key={v.version} value={String(v.version)}>
              {versionLabel(v)}
            </option>
          ))}
        </select>
        <button type="button" class="primary" onClick={() => setConfirming(true)} data-testid="rollback-open">
          Roll back to version {chosen}…
        </button>
      </div>
      {confirming && <ConfirmRollback api={api} policy={policy} data={data} current={current} version={chosen} onClose={() => setConfirming(false)} onChanged={onChanged} />}
    </section>
  );
}

function ConfirmRollback({ api, policy, data, current, version, onClose, onChanged }: { api: Api; policy: string; data: Data; current: number | null; version: number; onClose(): void; onChanged(message: string): Promise<void> }): JSX.Element {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const now = new Date();
  const preview = previewTimeline(data.activations, version, { from: now.toISOString() });
  // Scheduled changes that the rollback overrides: every later window of another version.
  const overridden = data.activations.filter((a) => a.version !== version && (a.until === null || Date.parse(a.until) > now.getTime()) && a.from !== null && Date.parse(a.from) > now.getTime());
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) return setMissing(true);
    setBusy(true);
    try {
      await api.activate(policy, { version, reason: reason.trim() });
      onClose();
      await onChanged(`Rolled back: version ${version} decides from now on.`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={`Roll back to version ${version}?`} onClose={onClose} wide testId="rollback-dialog">
      <form onSubmit={submit} noValidate>
        <p>
          From now on version <strong>{version}</strong> decides{current !== null ? <> instead of version {current}</> : null}, on every server within a second. Decisions already made keep the version that made them.
        </p>
        {overridden.length > 0 && (
          <p class="warn">
            It also overrides what is scheduled later: {overridden.map((a) => `version ${a.version} ${describeActivationWindow(a)}`).join('; ')}. Schedule those again afterwards if they should still apply.
          </p>
        )}
        <p class="muted">The timeline after the rollback:</p>
        <TimelineBar segments={preview} now={now} label="Timeline after the rollback" compact />
        <div class="field">
          <label for="rollback-reason">Reason (required)</label>
          <textarea id="rollback-reason" rows={2} maxLength={1000} value={reason} onInput={(e) => {
              setReason((e.target as HTMLTextAreaElement).value);
              setMissing(false);
            }} aria-invalid={missing ? 'true' : undefined} aria-describedby={missing ? 'rollback-reason-error' : undefined} autofocus />
          {missing && (
            <p class="field-error" id="rollback-reason-error">
              Say why: it is kept with the activation and in the audit log.
            </p>
          )}
        </div>
        {error !== null && <ErrorBox error={error} title="Not rolled back" />}
        <div class="modal-actions">
          <button type="submit" class="primary" disabled={busy}>
            Roll back to version {version}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

function versionLabel(v: VersionInfo): string {
  return `version ${v.version}${v.note ? ` · ${v.note}` : ''} (${v.createdAt.slice(0, 10)})`;
}

function ScheduleForm({ api, policy, data, onChanged }: { api: Api; policy: string; data: Data; onChanged(message: string): Promise<void> }): JSX.Element {
  const latest = data.versions.versions.at(-1)?.version ?? null;
  const [version, setVersion] = useState<number | null>(latest);
  const [when, setWhen] = useState<WindowForm>(emptyWindowForm('window'));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; window?: Partial<Record<WindowField, string>> }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setVersion(data.versions.versions.at(-1)?.version ?? null), [data.versions]);
  if (version === null) return <p class="muted">No version is published yet: publish the draft first.</p>;

  const parsed = parseWindow(when, new Date());
  const window: ActivationWindow = parsed.ok ? parsed.window : null;
  const preview = parsed.ok && window ? previewTimeline(data.activations, version, { from: window.from ?? new Date().toISOString(), ...(window.until ? { until: window.until } : {}) }) : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (!reason.trim()) next.reason = 'Say why: it is kept with the activation and in the audit log.';
    if (!parsed.ok) next.window = parsed.errors;
    setErrors(next);
    if (next.reason || !parsed.ok || !window) return;
    setBusy(true);
    setError(null);
    try {
      await api.activate(policy, { version, reason: reason.trim(), ...(window.from ? { from: window.from } : {}), ...(window.until ? { until: window.until } : {}) });
      setReason('');
      await onChanged(`Scheduled: version ${version} decides ${describeWindow(window)}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="schedule-title" class="block panel">
      <h2 id="schedule-title">Schedule a version</h2>
      <form onSubmit={submit} noValidate data-testid="schedule-form">
        <div class="field">
          <label for="schedule-version">Version</label>
          <select id="schedule-version" value={String(version)} onChange={(e) => setVersion(Number((e.target as HTMLSelectElement).value))}>
            {[...data.versions.versions].reverse().map((v) => (
              <option key={v.version} value={String(v.version)}>
                {versionLabel(v)}
              </option>
            ))}
          </select>
        </div>
        <WindowFields id="schedule-when" legend="When it decides" modes={['now', 'from', 'window']} value={when} onChange={setWhen} errors={errors.window ?? {}} disabled={busy} />
        {parsed.ok && parsed.warnings.map((w) => (
          <p key={w} class="warn small">
            {w}
          </p>
        ))}
        {preview && (
          <div class="preview">
            <p class="muted small">The timeline it will make:</p>
            <TimelineBar segments={preview} now={new Date()} label="Timeline after scheduling" compact />
          </div>
        )}
        <div class="field">
          <label for="schedule-reason">Reason (required)</label>
          <textarea id="schedule-reason" rows={2} maxLength={1000} value={reason} onInput={(e) => {
              setReason((e.target as HTMLTextAreaElement).value);
              setErrors({ ...errors, reason: undefined });
            }} aria-invalid={errors.reason ? 'true' : undefined} aria-describedby={errors.reason ? 'schedule-reason-error' : undefined} />
          {errors.reason && (
            <p class="field-error" id="schedule-reason-error">
              {errors.reason}
            </p>
          )}
        </div>
        {error !== null && <ErrorBox error={error} title="Not scheduled" />}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Scheduling…' : `Schedule version ${version}`}
        </button>
      </form>
    </section>
  );
}
