/**
 * What to simulate: the tenant's samples (all or some), pasted orders (checked as they are
 * typed, each problem with its JSON path), or logged decisions in a date range (run on the
 * server); and what to compare with: the version active at each case's time (the default,
 * like the server) or one version.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Baseline, CaseKind, Simulation, SimulationState } from '../simulation.ts';
import { count } from './simulation-format.tsx';

const KINDS: Array<{ kind: CaseKind; label: string }> = [
  { kind: 'samples', label: 'Samples' },
  { kind: 'orders', label: 'Pasted orders' },
  { kind: 'decisions', label: 'Logged decisions' },
];

export function CaseChooser({ sim, state, allowServer }: { sim: Simulation; state: SimulationState; allowServer: boolean }): JSX.Element {
  // Simulating on the server takes the write permission: a viewer is not offered the logged decisions.
  const kinds = allowServer ? KINDS : KINDS.filter((k) => k.kind !== 'decisions');
  return (
    <div class="sim-cases">
      <div class="segmented" role="radiogroup" aria-label="Cases to simulate">
        {kinds.map(({ kind, label }) => (
          <label key={kind} class={state.kind === kind ? 'on' : ''}>
            <input type="radio" name="sim-kind" value={kind} checked={state.kind === kind} onChange={() => sim.setKind(kind)} />
            {label}
          </label>
        ))}
      </div>
      {state.kind === 'samples' && <Samples sim={sim} state={state} />}
      {state.kind === 'orders' && <Orders sim={sim} state={state} />}
      {state.kind === 'decisions' && <Decisions sim={sim} state={state} />}
    </div>
  );
}

function Samples({ sim, state }: { sim: Simulation; state: SimulationState }): JSX.Element {
  const [filter, setFilter] = useState('');
  const { samples } = state;
  if (samples.status === 'failed') {
    return (
      <p class="error" role="alert">
        The samples cannot be loaded: {samples.error}
      </p>
    );
  }
  if (samples.status !== 'ready') {
    return (
      <p class="muted" aria-live="polite">
        Loading the samples{samples.list.length ? ` (${samples.loaded} of ${samples.list.length})` : ''}…
      </p>
    );
  }
  if (samples.list.length === 0) return <p class="muted">This tenant has no samples for this policy. Paste orders instead.</p>;
  const chosen = new Set(state.selected ?? samples.list.map((s) => s.name));
  const needle = filter.trim().toLowerCase();
  const shown = needle ? samples.list.filter((s) => s.name.includes(needle) || s.description.toLowerCase().includes(needle)) : samples.list;
  return (
    <div class="sim-samples">
      <div class="row">
        <span data-testid="samples-chosen">
          {chosen.size} of {count(samples.list.length, 'sample')}
        </span>
        <button type="button" class="small" onClick={() => sim.selectSamples(null)} disabled={state.selected === null}>
          All
        </button>
        <button type="button" class="small" onClick={() => sim.selectSamples([])} disabled={chosen.size === 0}>
          None
        </button>
        {needle && shown.length > 0 && (
          <button type="button" class="small" onClick={() => sim.selectSamples(shown.map((s) => s.name))} title="Choose only the samples the filter shows">
            Only these {shown.length}
          </button>
        )}
      </div>
      <input type="search" class="filter" placeholder="Filter by name or description" aria-label="Filter the samples" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      <ul class="sample-list" aria-label="Samples">
        {shown.map((s) => (
          <li key={s.name}>
            <label title={s.description}>
              <input type="checkbox" checked={chosen.has(s.name)} onChange={(e) => sim.toggleSample(s.name, e.currentTarget.checked)} />
              <span class="mono">{s.name}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 && <li class="muted">No sample matches “{filter}”.</li>}
      </ul>
    </div>
  );
}

const EXAMPLE = `[
  {"id": "SO-1", "at": "2024-01-20T15:00:00Z",
   "input": {"order": {…}, "request": {…}}},
  {"name": "a-sample", "at": "…", "order": {…},
   "requests": {"returns": {…}}}
]`;

function Orders({ sim, state }: { sim: Simulation; state: SimulationState }): JSX.Element {
  const problems = state.ordersProblems;
  return (
    <div class="sim-orders">
      <label for="sim-orders-text">
        Orders as JSON: an array of <code>{'{input: {order, request}, at}'}</code> or of samples
      </label>
      <textarea
        id="sim-orders-text"
        class="mono"
        rows={9}
        spellcheck={false}
        placeholder={EXAMPLE}
        // Uncontrolled: a pasted set can be megabytes, and a progress update must not compare it again.
        defaultValue={state.ordersText}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby="sim-orders-status"
        onInput={(e) => sim.setOrdersText(e.currentTarget.value)}
      />
      <div id="sim-orders-status" aria-live="polite">
        {problems.length > 0 ? (
          <ul class="problems" data-testid="orders-problems">
            {problems.slice(0, 12).map((p, i) => (
              <li key={i}>
                <code>{p.path || '(the text)'}</code> {p.message}
              </li>
            ))}
            {problems.length > 12 && <li class="muted">and {problems.length - 12} more</li>}
          </ul>
        ) : state.ordersCount > 0 ? (
          <p class="muted">{count(state.ordersCount, 'order')} ready.</p>
        ) : null}
      </div>
    </div>
  );
}

function Decisions({ sim, state }: { sim: Simulation; state: SimulationState }): JSX.Element {
  const d = state.decisions;
  const problems = state.blocked?.problems ?? [];
  const problem = (field: string) => problems.find((p) => p.path === field)?.message;
  const field = (name: 'from' | 'until', label: string) => (
    <div class="field">
      <label for={`sim-${name}`}>{label}</label>
      <input id={`sim-${name}`} type="date" value={d[name]} aria-invalid={problem(name) ? true : undefined} onInput={(e) => sim.setDecisions({ [name]: e.currentTarget.value })} />
      {problem(name) && <p class="field-error">{problem(name)}</p>}
    </div>
  );
  const running = state.running?.where === 'server';
  return (
    <form
      class="sim-decisions"
      onSubmit={(e) => {
        e.preventDefault();
        void sim.run();
      }}
    >
      <p class="muted small">The policy's decisions logged with their time in the range (UTC days, both included), decided again on the server with this document.</p>
      <div class="row">
        {field('from', 'From')}
        {field('until', 'Through')}
      </div>
      <div class="field">
        <label for="sim-limit">At most (the oldest first; empty: all)</label>
        <input id="sim-limit" type="number" min={1} step={1} value={d.limit} onInput={(e) => sim.setDecisions({ limit: e.currentTarget.value })} />
        {problem('limit') && <p class="field-error">{problem('limit')}</p>}
      </div>
      <div class="row">
        <button type="submit" class="primary" disabled={running}>
          {state.result && state.result.where === 'server' ? 'Run again on the server' : 'Run on the server'}
        </button>
        {running && (
          <button type="button" onClick={() => sim.stop()}>
            Stop
          </button>
        )}
      </div>
    </form>
  );
}

export interface VersionChoice {
  version: number;
  /** e.g. "decides now", "2023-10-11 – 2024-02-01". */
  note: string;
}

export function BaselineChooser({
  sim,
  state,
  versions,
  suggested,
}: {
  sim: Simulation;
  state: SimulationState;
  versions: VersionChoice[];
  /** The version a change is usually judged against (the one that decides now). */
  suggested: number | null;
}): JSX.Element {
  const value = state.baseline.kind === 'version' ? String(state.baseline.version) : state.baseline.kind;
  const choose = (v: string) => {
    const baseline: Baseline = v === 'active' ? { kind: 'active' } : v === 'logged' ? { kind: 'logged' } : { kind: 'version', version: Number(v) };
    sim.setBaseline(baseline);
  };
  const use = state.result && state.result.where === 'browser' && state.baseline.kind === 'active' ? state.result.baselineUse : [];
  const mixed = use.filter((u) => u.version !== suggested);
  return (
    <div class="sim-baseline">
      <label for="sim-baseline" class="sr-only">
        Compare with
      </label>
      <select id="sim-baseline" value={value} onChange={(e) => choose(e.currentTarget.value)}>
        <option value="active">The version active at each case's time</option>
        {state.kind === 'decisions' && <option value="logged">The version that made each decision</option>}
        {versions.map((v) => (
          <option key={v.version} value={String(v.version)}>
            Version {v.version}
            {v.note ? ` (${v.note})` : ''}
          </option>
        ))}
      </select>
      {use.length > 0 && (
        <p class="small" data-testid="baseline-use">
          {use.map((u, i) => (
            <span key={i}>
              {i > 0 && ', '}
              {u.version === null ? 'no version' : `version ${u.version}`} for {count(u.cases, 'case')}
            </span>
          ))}
          .
        </p>
      )}
      {suggested !== null && mixed.length > 0 && (
        <div class="hint-box" data-testid="baseline-hint">
          <p class="small">
            {count(mixed.reduce((n, u) => n + u.cases, 0), 'case')} {mixed.length === 1 && mixed[0]!.version !== null ? `met version ${mixed[0]!.version}` : 'met another version'} (active at their time), not version {suggested},
            which decides now. To see what your change does to today's policy, compare every case with version {suggested}.
          </p>
          <button type="button" class="small" onClick={() => sim.setBaseline({ kind: 'version', version: suggested })}>
            Compare with version {suggested}
          </button>
        </div>
      )}
    </div>
  );
}
