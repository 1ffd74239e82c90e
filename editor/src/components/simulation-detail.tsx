/**
 * One changed decision: before and after side by side (every field, the changed ones marked,
 * money with its change), then why, for both sides: the rules tried with the values they saw
 * and the rule that matched, for the order and for each item (an item whose rule differs is
 * open, the others folded), and the derived values. "Add as test" turns the case into an
 * embedded test of the document: its input and time, and the document's decision as expected.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CaseOutcome, DerivedTrace, RuleTrace } from '../../../server/engine/index.ts';
import type { ChangedView, SideTrace, Simulation, SimulationResult, TestDraft, TracePair } from '../simulation.ts';
import { ExplanationView } from './explanation-view.tsx';
import { count, fieldLabel, formatAt, formatMoney, formatValue, Value } from './simulation-format.tsx';

export interface DetailContext {
  /** A viewer cannot change the document: no "Add as test". */
  readOnly: boolean;
  /** The document's embedded tests as last checked (name → passed), to say whether an added test passes. */
  testStatus(name: string): 'passed' | 'failed' | 'pending';
}

export function ChangeDetail({ sim, change, result, context }: { sim: Simulation; change: ChangedView; result: SimulationResult; context: DetailContext }): JSX.Element {
  const [pair, setPair] = useState<TracePair | { error: string } | null>(null);
  const [onlyChanged, setOnlyChanged] = useState(false);
  useEffect(() => {
    let live = true;
    setPair(null);
    sim.trace(change).then(
      (p) => live && setPair(p),
      (err: unknown) => live && setPair({ error: (err as Error)?.message ?? String(err) }),
    );
    return () => {
      live = false;
    };
  }, [change, sim]);

  const beforeLabel = change.baselineVersion === null ? 'Before (no version was active)' : `Before · version ${change.baselineVersion}`;
  const rows = alignRows(payload(change.before), payload(change.after), '');
  const changedPaths = new Set(change.changes.map((c) => c.path));
  const shownRows = onlyChanged ? rows.filter((r) => r.changed) : rows;
  const generic = (path: string) => path.replace(/\/\d+(?=\/|$)/g, '/[]');
  return (
    <div class="change-detail" data-testid="change-detail">
      <div class="detail-head">
        <p class="small">
          <span class="mono">{change.id}</span> decided at {formatAt(change.at)}
          {change.case?.note && <span class="muted"> — {change.case.note}</span>}
        </p>
        {!context.readOnly && <AddTest sim={sim} change={change} context={context} />}
      </div>
      <table class="side-by-side" data-testid="side-by-side">
        <caption class="sr-only">The decision before and after, field by field</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">{beforeLabel}</th>
            <th scope="col">After · this document</th>
          </tr>
        </thead>
        <tbody>
          {shownRows.map((r) => {
            const money = result.moneyFields.includes(generic(r.path)) && (typeof r.before === 'number' || typeof r.after === 'number');
            const delta = money && r.changed ? (typeof r.after === 'number' ? r.after : 0) - (typeof r.before === 'number' ? r.before : 0) : 0;
            return (
              <tr key={r.path} class={r.changed ? 'changed' : ''} data-path={r.path}>
                <th scope="row" class="mono">
                  {fieldLabel(r.path)}
                  {r.changed && <span class="sr-only"> (changed)</span>}
                </th>
                <td>{money && typeof r.before === 'number' ? formatMoney(r.before, change.currency) : <Value value={r.before} />}</td>
                <td>
                  {money && typeof r.after === 'number' ? formatMoney(r.after, change.currency) : <Value value={r.after} />}
                  {delta !== 0 && <span class={`delta ${delta > 0 ? 'up' : 'down'}`}> {formatMoney(Math.round(delta * 100) / 100, change.currency, { signed: true })}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <label class="small only-changed">
        <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.currentTarget.checked)} /> Only the {count(changedPaths.size, 'changed field')}
      </label>
      <h3>Why</h3>
      {pair === null && <p class="muted">Working out why…</p>}
      {pair && 'error' in pair && <p class="error">{pair.error}</p>}
      {pair && !('error' in pair) && (
        <div class="traces" data-testid="traces">
          <TraceSide title={beforeLabel} side={pair.before} other={pair.after} />
          <TraceSide title="After · this document" side={pair.after} other={pair.before} />
        </div>
      )}
    </div>
  );
}

function payload(o: CaseOutcome): unknown {
  return o.ok ? o.decision : { error: o.error };
}

interface Row {
  path: string;
  before: unknown;
  after: unknown;
  changed: boolean;
}

/** Both decisions walked together (as the engine's diff walks them): one row per leaf, in order. */
export function alignRows(before: unknown, after: unknown, path: string): Row[] {
  const obj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Row[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...alignRows(before[i], after[i], `${path}/${i}`));
    return out;
  }
  if (obj(before) && obj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => alignRows(before[k], after[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [{ path, before, after, changed: JSON.stringify(before) !== JSON.stringify(after) }];
}

function TraceSide({ title, side, other }: { title: string; side: SideTrace | null; other: SideTrace | null }): JSX.Element {
  if (!side) {
    return (
      <section class="trace-side">
        <h4>{title}</h4>
        <p class="muted">No version was active at this time: nothing decided.</p>
      </section>
    );
  }
  if (!side.outcome.ok) {
    const e = side.outcome.error;
    return (
      <section class="trace-side">
        <h4>{title}</h4>
        <p class="error">
          {e.kind === 'input' ? `The input does not fit this version: ${e.problems.map((p) => `${p.path || '(input)'} ${p.message}`).join('; ')}` : `Evaluation failed${e.path ? ` at ${e.path}` : ''}: ${e.message}`}
        </p>
      </section>
    );
  }
  const trace = side.outcome.trace;
  const otherTrace = other && other.outcome.ok ? other.outcome.trace : null;
  const items = Array.isArray(side.outcome.decision.items) ? (side.outcome.decision.items as Array<Record<string, unknown>>) : [];
  return (
    <section class="trace-side" data-testid="trace-side">
      <h4>{title}</h4>
      <ExplanationView explanation={side.outcome.explanation} />
      <Phase label="The order" rules={trace.rules} matched={trace.matched} otherMatched={otherTrace?.matched} open />
      {trace.items?.map((item) => {
        const o = otherTrace?.items?.[item.index];
        const differs = !o || o.matched !== item.matched;
        const sku = typeof items[item.index]?.sku === 'string' ? ` · ${items[item.index]!.sku as string}` : '';
        return <Phase key={item.index} label={`Item ${item.index + 1}${sku}`} rules={item.rules} matched={item.matched} otherMatched={o?.matched} open={differs} derived={item.let} />;
      })}
      <Derived title="Derived values" values={[...trace.let, ...(trace.totals ?? [])]} other={otherTrace ? [...otherTrace.let, ...(otherTrace.totals ?? [])] : []} />
    </section>
  );
}

function Phase({ label, rules, matched, otherMatched, open, derived }: { label: string; rules: RuleTrace[]; matched: string; otherMatched: string | undefined; open: boolean; derived?: DerivedTrace[] }): JSX.Element {
  const differs = otherMatched !== undefined && otherMatched !== matched;
  return (
    <details class={`phase${differs ? ' differs' : ''}`} open={open}>
      <summary>
        {label}: <span class="mono matched-rule">{matched}</span>
        {differs && <span class="small"> (the other side: {otherMatched})</span>}
      </summary>
      <ol class="rules-tried">
        {rules.map((r) => (
          <li key={r.id} class={r.matched ? 'matched' : ''} data-rule={r.id}>
            <span aria-hidden="true" class="mark">
              {r.matched ? '✓' : '✗'}
            </span>
            <span class="sr-only">{r.matched ? 'matched:' : 'did not match:'}</span> <span class="mono">{r.id}</span>
            <Values values={r.values} />
          </li>
        ))}
      </ol>
      {derived && derived.length > 0 && (
        <details class="derived-inline">
          <summary class="small">{count(derived.length, 'derived value')}</summary>
          <Values values={Object.fromEntries(derived.map((d) => [d.name, d.value]))} />
        </details>
      )}
    </details>
  );
}

function Values({ values }: { values: Record<string, unknown> }): JSX.Element | null {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <span class="values small">
      {entries.slice(0, 10).map(([k, v]) => (
        <span key={k} class="value" title={`${k} = ${formatValue(v, 400)}`}>
          <span class="mono">{k}</span> = <span class="mono">{formatValue(v, 60)}</span>
        </span>
      ))}
      {entries.length > 10 && <span class="muted"> and {entries.length - 10} more</span>}
    </span>
  );
}

function Derived({ title, values, other }: { title: string; values: DerivedTrace[]; other: DerivedTrace[] }): JSX.Element | null {
  if (values.length === 0) return null;
  const otherByName = new Map(other.map((d) => [d.name, d.value]));
  const differing = values.filter((d) => otherByName.has(d.name) && JSON.stringify(otherByName.get(d.name)) !== JSON.stringify(d.value)).length;
  return (
    <details class="derived">
      <summary>
        {title} ({values.length}
        {differing ? `, ${differing} differ` : ''})
      </summary>
      <table class="derived-values">
        <tbody>
          {values.map((d) => {
            const differs = otherByName.has(d.name) && JSON.stringify(otherByName.get(d.name)) !== JSON.stringify(d.value);
            return (
              <tr key={d.name} class={differs ? 'changed' : ''}>
                <th scope="row" class="mono">
                  {d.name}
                </th>
                <td class="mono">{formatValue(d.value, 80)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}

/** "Add as test": a small form (name, the source sentence it quotes, the fields it expects), one click to add. */
function AddTest({ sim, change, context }: { sim: Simulation; change: ChangedView; context: DetailContext }): JSX.Element {
  const [draft, setDraft] = useState<TestDraft | { error: string } | 'loading' | null>(null);
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [fields, setFields] = useState<string[]>([]);
  const [added, setAdded] = useState<string | null>(null);

  const start = () => {
    setDraft('loading');
    setAdded(null);
    sim.testDraft(change).then(
      (d) => {
        setDraft(d);
        setName(d.name);
        setSource(d.source);
        setFields(d.fields.filter((f) => f.checked).map((f) => f.name));
      },
      (err: unknown) => setDraft({ error: (err as Error)?.message ?? String(err) }),
    );
  };

  if (added) {
    const status = context.testStatus(added);
    return (
      <p class="added-test" role="status" data-testid="added-test" data-status={status}>
        Added the test <strong>{added}</strong> to the document:{' '}
        {status === 'passed' ? <span class="good">it passes.</span> : status === 'failed' ? <span class="bad">it fails (see the checks).</span> : <span class="muted">checking…</span>}{' '}
        <button type="button" class="link" onClick={start}>
          Add another
        </button>
      </p>
    );
  }
  if (draft === null) {
    return (
      <button type="button" class="add-test-button" onClick={start}>
        Add as test
      </button>
    );
  }
  if (draft === 'loading') return <p class="muted">Preparing the test…</p>;
  if ('error' in draft) return <p class="error">{draft.error}</p>;
  const chosen = draft.sources.find((s) => s.value === source);
  return (
    <form
      class="add-test"
      aria-label="Add as test"
      onSubmit={(e) => {
        e.preventDefault();
        setAdded(sim.addTest(draft, { name, source, fields }));
      }}
    >
      <div class="field">
        <label for={`test-name-${change.index}`}>Test name</label>
        <input id={`test-name-${change.index}`} type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
      </div>
      <div class="field">
        <label for={`test-source-${change.index}`}>The sentence of the policy text it checks</label>
        <select id={`test-source-${change.index}`} value={source} onChange={(e) => setSource(e.currentTarget.value)}>
          {draft.sources.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}: {s.value.length > 90 ? `${s.value.slice(0, 89)}…` : s.value}
            </option>
          ))}
        </select>
        {chosen && <blockquote class="small">{chosen.value}</blockquote>}
      </div>
      <fieldset class="field">
        <legend>It expects these fields of the decision (now: {formatValue(draft.decision.rule)})</legend>
        <div class="expect-fields">
          {draft.fields.map((f) => (
            <label key={f.name} class="small">
              <input
                type="checkbox"
                checked={fields.includes(f.name)}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setFields((list) => (on ? draft.fields.map((x) => x.name).filter((n) => n === f.name || list.includes(n)) : list.filter((n) => n !== f.name)));
                }}
              />{' '}
              <span class="mono">{f.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div class="row">
        <button type="submit" class="primary" disabled={!name.trim() || fields.length === 0}>
          Add the test
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

