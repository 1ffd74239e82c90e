/**
 * A policy's decision log (/policies/<key>/decisions): the logged decisions, newest first, a
 * page at a time, filtered by time range (UTC), version, the rule that decided, and an outcome
 * (field = value, e.g. eligible = false); each opens with its input, its decision and the trace
 * of why (stored, or recomputed by the server with the version that made it), and can be
 * replayed against the draft to see what the draft would decide instead.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Explanation, Trace } from '../../../server/engine/index.ts';
import type { DecisionList, LoggedDecision, ReplayResponse, VersionInfo } from '../../../server/types/schemas.gen.ts';
import { utcInstant } from '../activation-window.ts';
import { ApiError, can } from '../api.ts';
import type { Api, DecisionQuery, Me } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { NotForRole, PolicyHead } from '../components/policy-nav.tsx';
import { ExplanationView } from '../components/explanation-view.tsx';
import { TraceView } from '../components/trace-view.tsx';
import { compactValue, outcomeFields, readablePath } from '../decision-summary.ts';
import { formatJson } from '../format-json.ts';
import { formatInstant } from '../format.ts';
import { tickLabel } from '../timeline-layout.ts';
import '../release.css';

interface Props {
  api: Api;
  me: Me;
  policy: string;
  navigate(path: string): void;
}

const PAGE = 25;

interface Filters {
  fromDate: string;
  fromTime: string;
  untilDate: string;
  untilTime: string;
  version: string;
  rule: string;
  field: string;
  value: string;
}

const noFilters: Filters = { fromDate: '', fromTime: '', untilDate: '', untilTime: '', version: '', rule: '', field: '', value: '' };

/** URL parameter of each filter: the applied filters and the open decision live in the address, so a reload or a shared link shows the same view. */
const PARAMS: Record<keyof Filters, string> = { fromDate: 'from', fromTime: 'fromTime', untilDate: 'until', untilTime: 'untilTime', version: 'version', rule: 'rule', field: 'field', value: 'value' };

/** The filters and the open decision from a location's search string (unknown parameters ignored). */
export function viewFromSearch(search: string): { filters: Filters; selected: string | null } {
  const params = new URLSearchParams(search);
  const filters = { ...noFilters };
  for (const [key, name] of Object.entries(PARAMS) as Array<[keyof Filters, string]>) filters[key] = params.get(name) ?? '';
  return { filters, selected: params.get('decision') || null };
}

/** The search string ("" or "?…") for applied filters and the open decision. */
export function searchOfView(filters: Filters, selected: string | null): string {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(PARAMS) as Array<[keyof Filters, string]>) if (filters[key]) params.set(name, filters[key]);
  if (selected) params.set('decision', selected);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The form → GET /v1/decisions query, or what is wrong with it. */
export function decisionQuery(policy: string, f: Filters): { ok: true; query: DecisionQuery } | { ok: false; message: string } {
  const query: DecisionQuery = { policy, limit: PAGE };
  if (f.fromDate) {
    const from = utcInstant(f.fromDate, f.fromTime);
    if (!from) return { ok: false, message: 'The "from" date or time is not valid (YYYY-MM-DD, HH:MM).' };
    query.from = from;
  }
  if (f.untilDate) {
    const until = utcInstant(f.untilDate, f.untilTime);
    if (!until) return { ok: false, message: 'The "until" date or time is not valid (YYYY-MM-DD, HH:MM).' };
    query.until = until;
  }
  if (query.from && query.until && Date.parse(query.until) <= Date.parse(query.from)) return { ok: false, message: '"Until" must be after "from".' };
  if (f.version) query.version = Number(f.version);
  if (f.rule.trim()) query.rule = f.rule.trim();
  if (f.field.trim() || f.value.trim()) {
    if (!f.field.trim() || !f.value.trim()) return { ok: false, message: 'An outcome filter needs both the field (e.g. eligible) and its value (e.g. false).' };
    query.field = f.field.trim();
    query.value = f.value.trim();
  }
  return { ok: true, query };
}

export function Decisions({ api, me, policy, navigate }: Props): JSX.Element {
  const readable = can(me, 'read');
  const [title, setTitle] = useState<string | undefined>(undefined);
  const [versions, setVersions] = useState<VersionInfo[]>([]);
  const [ruleIds, setRuleIds] = useState<string[]>([]);
  // The view starts from the address (filters and open decision), so reloads and links keep it.
  const [initial] = useState(() => {
    const view = viewFromSearch(window.location.search);
    const q = decisionQuery(policy, view.filters);
    return { ...view, query: q.ok ? q.query : { policy, limit: PAGE }, error: q.ok ? null : q.message };
  });
  const [form, setForm] = useState<Filters>(initial.filters);
  const [applied, setApplied] = useState<Filters>(initial.filters);
  const [formError, setFormError] = useState<string | null>(initial.error);
  /** The query shown, and the cursors of the pages before this one (for "newer"). */
  const [query, setQuery] = useState<DecisionQuery>(initial.query);
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<DecisionList | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(initial.selected);

  useEffect(() => {
    const search = searchOfView(applied, selected);
    if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
  }, [applied, selected]);

  useEffect(() => {
    if (!readable) return;
    Promise.all([api.getPolicy(policy), api.listVersions(policy)]).then(
      ([detail, list]) => {
        setTitle(detail.title);
        setVersions(list.versions);
        setRuleIds(ruleIdsOf(detail.active?.document ?? {}));
      },
      () => {}, // the list below shows the error of the same key and policy
    );
  }, [api, policy, readable]);

  useEffect(() => {
    if (!readable) return;
    let live = true;
    setLoading(true);
    api.listDecisions(query).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, query, readable]);

  if (!readable) return <NotForRole role={me.role} policy={policy} navigate={navigate} />;

  const set = (patch: Partial<Filters>) => setForm({ ...form, ...patch });
  const apply = (e: Event) => {
    e.preventDefault();
    const q = decisionQuery(policy, form);
    if (!q.ok) return setFormError(q.message);
    setFormError(null);
    setCursors([]);
    setQuery(q.query);
    setApplied(form);
  };
  const reset = () => {
    setForm(noFilters);
    setApplied(noFilters);
    setFormError(null);
    setCursors([]);
    setQuery({ policy, limit: PAGE });
  };
  const older = () => {
    if (!page?.nextCursor) return;
    setCursors([...cursors, query.cursor ?? '']);
    setQuery({ ...query, cursor: page.nextCursor });
  };
  const newer = () => {
    const prev = cursors.at(-1);
    if (prev === undefined) return;
    setCursors(cursors.slice(0, -1));
    const { cursor: _drop, ...rest } = query;
    setQuery(prev ? { ...rest, cursor: prev } : rest);
  };
  const fieldNames = [...new Set((page?.decisions ?? []).flatMap((d) => Object.entries(d.decision ?? {}).filter(([, v]) => v === null || typeof v !== 'object').map(([k]) => k)))];

  return (
    <section class="page release wide" aria-busy={loading}>
      <PolicyHead policy={policy} title={title} current="decisions" navigate={navigate} />
      <form class="filters" onSubmit={apply} aria-label="Filter the decisions" data-testid="decision-filters">
        <fieldset>
          <legend>Time (UTC, of the decision's “at”)</legend>
          <label for="f-from-date">From</label>
          <input id="f-from-date" type="date" value={form.fromDate} onInput={(e) => set({ fromDate: (e.target as HTMLInputElement).value })} />
          <label for="f-from-time" class="sr-only">
            From time (UTC)
          </label>
          <input id="f-from-time" type="time" value={form.fromTime} onInput={(e) => set({ fromTime: (e.target as HTMLInputElement).value })} />
          <label for="f-until-date">until</label>
          <input id="f-until-date" type="date" value={form.untilDate} onInput={(e) => set({ untilDate: (e.target as HTMLInputElement).value })} />
          <label for="f-until-time" class="sr-only">
            Until time (UTC)
          </label>
          <input id="f-until-time" type="time" value={form.untilTime} onInput={(e) => set({ untilTime: (e.target as HTMLInputElement).value })} />
        </fieldset>
        <fieldset>
          <legend>What decided</legend>
          <label for="f-version">Version</label>
          <select id="f-version" value={form.version} onChange={(e) => set({ version: (e.target as HTMLSelectElement).value })}>
            <option value="">any</option>
            {versions.map((v) => (
              <option key={v.version} value={String(v.version)}>
                {v.version}
              </option>
            ))}
          </select>
          <label for="f-rule">Rule</label>
          <input id="f-rule" type="text" list="f-rule-ids" placeholder="any" value={form.rule} onInput={(e) => set({ rule: (e.target as HTMLInputElement).value })} />
          <datalist id="f-rule-ids">
            {ruleIds.map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
        </fieldset>
        <fieldset>
          <legend>Outcome</legend>
          <label for="f-field">Field</label>
          <input id="f-field" type="text" list="f-fields" placeholder="e.g. eligible" value={form.field} onInput={(e) => set({ field: (e.target as HTMLInputElement).value })} />
          <datalist id="f-fields">
            {fieldNames.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
          <label for="f-value">=</label>
          <input id="f-value" type="text" placeholder="e.g. false" value={form.value} onInput={(e) => set({ value: (e.target as HTMLInputElement).value })} aria-label="Value" />
        </fieldset>
        <div class="filter-actions">
          <button type="submit" class="primary">
            Show decisions
          </button>
          <button type="button" onClick={reset}>
            Clear filters
          </button>
        </div>
      </form>
      {formError && (
        <p class="error" role="alert">
          {formError}
        </p>
      )}
      <div class="decisions-grid">
        <section aria-labelledby="log-title" class="decision-list">
          <h2 id="log-title" class="sr-only">
            Logged decisions
          </h2>
          {error !== null && <ErrorBox error={error} />}
          {page && (
            <>
              <p class="muted small" role="status" aria-live="polite" data-testid="decision-count">
                {page.decisions.length === 0
                  ? 'No decision matches.'
                  : `${page.decisions.length}${page.nextCursor ? '+' : ''} decision${page.decisions.length === 1 ? '' : 's'}, newest first${cursors.length ? ` (page ${cursors.length + 1})` : ''}.`}
                {loading && ' Loading…'}
              </p>
              {page.decisions.length > 0 && (
                <table class="data decisions" data-testid="decisions">
                  <thead>
                    <tr>
                      <th scope="col">At (UTC)</th>
                      <th scope="col">Ver.</th>
                      <th scope="col">Rule · outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.decisions.map((d) => (
                      <tr key={d.id} data-decision={d.id} class={d.id === selected ? 'selected' : undefined} aria-selected={d.id === selected}>
                        <td>
                          <button type="button" class="link" onClick={() => setSelected(d.id)} aria-label={`Open the decision at ${formatInstant(d.at)}, rule ${d.rule ?? 'none'}`}>
                            {tickLabel(d.at)}
                          </button>
                        </td>
                        <td>{d.version}</td>
                        <td>
                          {d.error ? <span class="bad">failed: {(d.error as { message?: string }).message ?? 'error'}</span> : <code class="rule">{d.rule}</code>}
                          <div class="outcome small">
                            {outcomeFields(d.decision).map(([k, v]) => (
                              <span key={k} class="kv">
                                {k}: <strong>{compactValue(v, 30)}</strong>
                              </span>
                            ))}
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <div class="pager">
                <button type="button" onClick={newer} disabled={cursors.length === 0 || loading}>
                  ← Newer
                </button>
                <button type="button" onClick={older} disabled={!page.nextCursor || loading}>
                  Older →
                </button>
              </div>
            </>
          )}
        </section>
        <section class="decision-detail" aria-label="The selected decision" aria-live="polite">
          {selected ? <DecisionDetail key={selected} api={api} id={selected} hasTrace={page?.decisions.find((d) => d.id === selected)?.hasTrace ?? false} /> : <p class="muted">Open a decision to see its input, its decision and why (the trace), and to replay it against the draft.</p>}
        </section>
      </div>
    </section>
  );
}

/** Rule ids of a document, main and per item, for the rule filter's suggestions. */
function ruleIdsOf(doc: Record<string, unknown>): string[] {
  const ids: string[] = [];
  const phase = (p: unknown) => {
    if (!p || typeof p !== 'object') return;
    const { rules, otherwise } = p as { rules?: Array<{ id?: unknown }>; otherwise?: { id?: unknown } };
    for (const r of rules ?? []) if (typeof r?.id === 'string') ids.push(r.id);
    if (otherwise) ids.push(typeof otherwise.id === 'string' ? otherwise.id : 'otherwise');
  };
  phase(doc);
  phase(doc.each);
  return [...new Set(ids)];
}

type Replay = { status: 'idle' } | { status: 'running' } | { status: 'done'; result: ReplayResponse } | { status: 'error'; error: unknown };

function DecisionDetail({ api, id, hasTrace }: { api: Api; id: string; hasTrace: boolean }): JSX.Element {
  const [decision, setDecision] = useState<LoggedDecision | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [replay, setReplay] = useState<Replay>({ status: 'idle' });

  useEffect(() => {
    let live = true;
    // A stored trace comes with the decision; otherwise the server recomputes it (one evaluation).
    api.getDecision(id, { recomputeTrace: !hasTrace, explain: true }).then(
      (d) => live && setDecision(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, id, hasTrace]);

  const runReplay = async () => {
    setReplay({ status: 'running' });
    try {
      setReplay({ status: 'done', result: await api.replayDecision(id, { draft: true }) });
    } catch (err) {
      setReplay({ status: 'error', error: err });
    }
  };

  if (error !== null) return <ErrorBox error={error} title="Cannot open this decision" />;
  if (!decision) return <p class="muted">Opening {id}…</p>;
  return (
    <article data-testid="decision-detail" data-decision={decision.id}>
      <h2>
        Decision at {formatInstant(decision.at)}
        <span class="muted small"> · version {decision.version}</span>
      </h2>
      {decision.pinTo === 'order.placedAt' && (
        <p class="small" data-testid="decision-version-as-of">
          Version {decision.version} was in force when the order was placed ({formatInstant(decision.versionAsOf)}): this policy decides each order with the rules it was bought under.
        </p>
      )}
      <p class="muted small">
        <code>{decision.id}</code> · {decision.rule ? <>rule <code>{decision.rule}</code></> : 'failed'} · asked by {decision.keyId ? <code>{decision.keyId}</code> : 'the CLI'} · logged {formatInstant(decision.createdAt)} · {decision.durationMs.toFixed(2)} ms
      </p>
      <div class="replay">
        <button type="button" onClick={() => void runReplay()} disabled={replay.status === 'running'} data-testid="replay-draft">
          {replay.status === 'running' ? 'Replaying…' : 'Replay against the draft'}
        </button>
        <ReplayResult replay={replay} />
      </div>
      {decision.error && <ErrorBox error={new Error(`${(decision.error as { message?: string }).message ?? 'failed'} at ${(decision.error as { path?: string }).path ?? ''}`)} title="The evaluation failed" />}
      <details open class="section">
        <summary>Decision</summary>
        <pre class="json" tabIndex={0} aria-label="The decision (JSON)">{formatJson(decision.decision, 80)}</pre>
      </details>
      <details open class="section">
        <summary>
          Why: the trace <span class="muted small">({decision.traceSource === 'stored' ? 'stored when it was decided' : 'recomputed with version ' + decision.version + ': evaluation is pure, so it is the same'})</span>
        </summary>
        {decision.explanation && <ExplanationView explanation={decision.explanation as Explanation} label="In plain language" />}
        {decision.trace ? <TraceView trace={decision.trace as unknown as Trace} decision={decision.decision} /> : <p class="muted">No trace.</p>}
      </details>
      <details class="section">
        <summary>Input</summary>
        <pre class="json" tabIndex={0} aria-label="The input (JSON)">{formatJson(decision.input, 80)}</pre>
      </details>
    </article>
  );
}

function ReplayResult({ replay }: { replay: Replay }): JSX.Element | null {
  if (replay.status === 'error') {
    const noDraft = replay.error instanceof ApiError && replay.error.status === 422 && replay.error.errors.some((e) => e.path === '/draft');
    return noDraft ? (
      <p class="warn" role="status" data-testid="replay-result">
        This policy has no draft: start one on the Document tab, then replay.
      </p>
    ) : (
      <ErrorBox error={replay.error} title="Not replayed" />
    );
  }
  if (replay.status !== 'done') return null;
  const r = replay.result;
  if (r.equal) {
    return (
      <p class="good" role="status" data-testid="replay-result" data-equal="true">
        The draft decides exactly the same.
      </p>
    );
  }
  return (
    <div role="status" data-testid="replay-result" data-equal="false">
      <p>
        <strong>The draft decides differently</strong>: {r.changes.length} field{r.changes.length === 1 ? '' : 's'} change
        {r.replayed.error ? ' (the draft fails on this input)' : ''}.
      </p>
      <table class="data replay-changes">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Logged (version {r.logged.version})</th>
            <th scope="col">Draft</th>
          </tr>
        </thead>
        <tbody>
          {r.changes.map((c) => (
            <tr key={c.path}>
              <th scope="row">
                <code>{readablePath(c.path)}</code>
              </th>
              <td>
                <del>{'before' in c ? compactValue(c.before, 60) : '(none)'}</del>
              </td>
              <td>
                <ins>{'after' in c ? compactValue(c.after, 60) : '(none)'}</ins>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
