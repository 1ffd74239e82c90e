/**
 * The figures of a simulation: how many decisions were evaluated, changed, unchanged and
 * failed; the money moved per field (up, down, net, in the orders' currency); the rule
 * transitions; the other fields that changed. While a run is in progress, how far it is.
 */
import type { JSX } from 'preact';
import type { Baseline, Progress, SimulationResult } from '../simulation.ts';
import { count, fieldLabel, formatMoney } from './simulation-format.tsx';

export function describeBaseline(baseline: Baseline): string {
  if (baseline.kind === 'version') return `version ${baseline.version}`;
  if (baseline.kind === 'logged') return 'the version that made each decision';
  return 'the version active at each case\'s time';
}

export function RunProgress({ progress }: { progress: Progress }): JSX.Element {
  const known = progress.total > 0;
  const label = progress.where === 'server' ? 'Simulating on the server' : 'Simulating';
  return (
    <div class="sim-progress" data-testid="sim-progress">
      <label for="sim-progress-bar">
        {label}
        {known ? `: ${progress.done.toLocaleString('en-US')} of ${count(progress.total, 'case')}` : '…'}
      </label>
      <progress id="sim-progress-bar" max={known ? progress.total : undefined} value={known ? progress.done : undefined} />
    </div>
  );
}

export function SimulationSummary({ result, stale }: { result: SimulationResult; stale: boolean }): JSX.Element {
  const { summary } = result;
  const where = result.where === 'browser' ? `in this browser in ${Math.max(1, Math.round(result.ms))} ms` : 'on the server';
  const what = result.kind === 'samples' ? 'sample' : result.kind === 'orders' ? 'pasted order' : 'logged decision';
  return (
    <section class="sim-summary" aria-labelledby="sim-summary-title" data-testid="sim-summary" data-stale={stale ? 'true' : 'false'} data-changed={summary.changed} data-evaluated={summary.evaluated} data-run={result.run} data-ms={result.ms.toFixed(2)} data-compile-ms={result.compileMs.toFixed(2)}>
      <h2 id="sim-summary-title">
        {summary.changed === 0 ? 'No decision changes' : `${count(summary.changed, 'decision')} of ${summary.evaluated.toLocaleString('en-US')} change${summary.changed === 1 ? 's' : ''}`}
        {stale && <span class="muted small"> · out of date{result.where === 'browser' ? ', updating…' : ''}</span>}
      </h2>
      <p class="muted small">
        {count(summary.evaluated, what)} decided by this document and by {describeBaseline(result.baseline)}, {where}.
      </p>
      <dl class="sim-counts">
        <div>
          <dt>Evaluated</dt>
          <dd data-testid="count-evaluated">{summary.evaluated.toLocaleString('en-US')}</dd>
        </div>
        <div class={summary.changed ? 'changed' : ''}>
          <dt>Changed</dt>
          <dd data-testid="count-changed">{summary.changed.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd data-testid="count-unchanged">{summary.unchanged.toLocaleString('en-US')}</dd>
        </div>
        <div class={summary.errors.before + summary.errors.after ? 'failed' : ''}>
          <dt>Errors before / after</dt>
          <dd data-testid="count-errors">
            {summary.errors.before.toLocaleString('en-US')} / {summary.errors.after.toLocaleString('en-US')}
          </dd>
        </div>
      </dl>
      {summary.changed > 0 && (
        <div class="sim-tables">
          <MoneyTable result={result} />
          <RuleTable result={result} />
        </div>
      )}
      {result.otherFields.length > 0 && (
        <p class="sim-other small">
          <span class="muted">Other fields that changed: </span>
          {result.otherFields.map((f, i) => (
            <span key={f.field} class="chip" title={f.field}>
              {i > 0 && ' '}
              <span class="mono">{fieldLabel(f.field)}</span> ×{f.changed}
            </span>
          ))}
        </p>
      )}
    </section>
  );
}

function MoneyTable({ result }: { result: SimulationResult }): JSX.Element {
  if (result.money.length === 0) {
    return <p class="muted small">No money field changed.</p>;
  }
  const currencies = new Set(result.money.map((m) => m.currency));
  return (
    <table class="sim-money" data-testid="money-table">
      <caption>Money moved{currencies.size === 1 && [...currencies][0] ? ` (${[...currencies][0]})` : ''}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          {currencies.size > 1 && <th scope="col">Currency</th>}
          <th scope="col" class="num" title="Decisions in which it changed">
            Decisions
          </th>
          <th scope="col" class="num">
            Up
          </th>
          <th scope="col" class="num">
            Down
          </th>
          <th scope="col" class="num">
            Net
          </th>
        </tr>
      </thead>
      <tbody>
        {result.money.map((m) => (
          <tr key={`${m.field} ${m.currency}`} data-field={m.field} data-currency={m.currency ?? ''} data-up={m.up} data-down={m.down} data-net={m.net}>
            <th scope="row" class="mono" title={m.field}>
              {fieldLabel(m.field)}
            </th>
            {currencies.size > 1 && <td>{m.currency ?? '?'}</td>}
            <td class="num">{m.changed}</td>
            <td class="num col-up up">{m.up ? formatMoney(m.up, m.currency, { signed: true }) : '—'}</td>
            <td class="num col-down down">{m.down ? formatMoney(-m.down, m.currency, { signed: true }) : '—'}</td>
            <td class={`num col-net ${m.net > 0 ? 'up' : m.net < 0 ? 'down' : ''}`}>{formatMoney(m.net, m.currency, { signed: true })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RuleTable({ result }: { result: SimulationResult }): JSX.Element {
  return (
    <table class="sim-rules" data-testid="rule-table">
      <caption>Rules that decided, before → after</caption>
      <thead>
        <tr>
          <th scope="col">Before</th>
          <th scope="col">After</th>
          <th scope="col" class="num">
            Decisions
          </th>
        </tr>
      </thead>
      <tbody>
        {result.summary.byRule.map((t) => (
          <tr key={`${t.from} ${t.to}`}>
            <td class="mono">{t.from}</td>
            <td class="mono">{t.from === t.to ? <span class="muted">same rule</span> : t.to}</td>
            <td class="num">{t.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
