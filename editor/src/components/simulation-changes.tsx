/**
 * The changed decisions, one row each (the case, when, the baseline version, the rule before
 * → after, the main money or value that moved), a page at a time. A row opens in place to the
 * decision side by side with the trace of why (simulation-detail.tsx). The failed cases follow,
 * each problem with its path.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { CaseOutcome } from '../../../server/engine/index.ts';
import type { ChangedView, FailedView, Simulation, SimulationResult } from '../simulation.ts';
import { ChangeDetail } from './simulation-detail.tsx';
import type { DetailContext } from './simulation-detail.tsx';
import { count, fieldLabel, formatAt, formatMoney, formatValue } from './simulation-format.tsx';

const PAGE = 50;

export function SimulationChanges({ sim, result, context }: { sim: Simulation; result: SimulationResult; context: DetailContext }): JSX.Element {
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<string | null>(null);
  const changes = result.changes;
  if (changes.length === 0 && result.errors.length === 0) return <></>;
  const keyOf = (c: ChangedView) => `${c.index}:${c.id}`;
  return (
    <>
      {changes.length > 0 && (
        <section class="sim-changes" aria-labelledby="sim-changes-title">
          <h2 id="sim-changes-title">Changed decisions</h2>
          <table class="changes" data-testid="changes">
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">At</th>
                <th scope="col" title="The version this case was compared with">
                  Baseline
                </th>
                <th scope="col">Rule before → after</th>
                <th scope="col">What moved</th>
              </tr>
            </thead>
            {changes.slice(0, shown).map((c) => {
              const key = keyOf(c);
              const isOpen = open === key;
              return (
                <tbody key={key} class={isOpen ? 'open' : ''} data-case={c.id}>
                  <tr class="change-row">
                    <th scope="row">
                      <button type="button" class="link case-toggle" aria-expanded={isOpen} aria-controls={`detail-${c.index}`} onClick={() => setOpen(isOpen ? null : key)}>
                        <span class="caret" aria-hidden="true">
                          {isOpen ? '▾' : '▸'}
                        </span>{' '}
                        <span class="mono">{c.id}</span>
                      </button>
                    </th>
                    <td class="nowrap">{formatAt(c.at)}</td>
                    <td>{c.baselineVersion === null ? <span class="muted">none</span> : `v${c.baselineVersion}`}</td>
                    <td class="mono small">{c.ruleBefore === c.ruleAfter ? <span title="The same rule decided, with other values">{c.ruleAfter}</span> : `${c.ruleBefore} → ${c.ruleAfter}`}</td>
                    <td class="small">
                      <Moved change={c} moneyFields={result.moneyFields} />
                    </td>
                  </tr>
                  {isOpen && (
                    <tr class="detail-row">
                      <td colSpan={5} id={`detail-${c.index}`}>
                        <ChangeDetail sim={sim} change={c} result={result} context={context} />
                      </td>
                    </tr>
                  )}
                </tbody>
              );
            })}
          </table>
          {changes.length > shown && (
            <p>
              <button type="button" onClick={() => setShown((n) => n + PAGE)}>
                Show {Math.min(PAGE, changes.length - shown)} more of {count(changes.length - shown, 'changed decision')}
              </button>
            </p>
          )}
        </section>
      )}
      {result.errors.length > 0 && <Failures errors={result.errors} />}
    </>
  );
}

/** The first money field that moved (top-level first), else the first top-level value that changed. */
function Moved({ change, moneyFields }: { change: ChangedView; moneyFields: string[] }): JSX.Element {
  if (!change.after.ok || !change.before.ok) {
    const side = !change.after.ok ? 'now fails' : 'failed before';
    return <span class="bad">{side}</span>;
  }
  const generic = (path: string) => path.replace(/\/\d+(?=\/|$)/g, '/[]');
  const money = change.changes.filter((f) => moneyFields.includes(generic(f.path)) && (typeof f.before === 'number' || typeof f.after === 'number'));
  money.sort((a, b) => moneyFields.indexOf(generic(a.path)) - moneyFields.indexOf(generic(b.path)));
  // The decision's own amount first (refundAmount, a total), then other top-level amounts, then per-item ones.
  const top = money.filter((f) => f.path.split('/').length === 2);
  const main = top.find((f) => f.path === '/refundAmount') ?? [...top].reverse().find((f) => /amount$/i.test(f.path)) ?? top[0];
  if (main) money.unshift(main);
  const first = money[0] ?? change.changes.find((f) => f.path.split('/').length === 2) ?? change.changes[0];
  if (!first) return <span class="muted">—</span>;
  const isMoney = money[0] === first;
  const show = (v: unknown) => (isMoney && typeof v === 'number' ? formatMoney(v, change.currency) : formatValue(v, 40));
  const delta = isMoney ? (typeof first.after === 'number' ? first.after : 0) - (typeof first.before === 'number' ? first.before : 0) : null;
  return (
    <span>
      <span class="mono">{fieldLabel(first.path)}</span> {show(first.before)} → {show(first.after)}
      {delta !== null && delta !== 0 && <span class={delta > 0 ? 'up' : 'down'}> ({formatMoney(Math.round(delta * 100) / 100, change.currency, { signed: true })})</span>}
      {change.changes.length > 1 && <span class="muted"> · {count(change.changes.length, 'field')}</span>}
    </span>
  );
}

function Failures({ errors }: { errors: FailedView[] }): JSX.Element {
  const describe = (e: FailedView['before']) =>
    !e ? null : e.kind === 'input' ? e.problems.map((p) => `${p.path || '(input)'} ${p.message}`).join('; ') : `${e.path ? `${e.path}: ` : ''}${e.message}`;
  return (
    <section class="sim-failures" aria-labelledby="sim-failures-title">
      <h2 id="sim-failures-title">Cases that failed</h2>
      <ul data-testid="failures">
        {errors.slice(0, 100).map((e) => (
          <li key={`${e.index}`}>
            <span class="mono">{e.id}</span> <span class="muted">{formatAt(e.at)}</span>
            {e.before && (
              <div class="small">
                before: <code>{describe(e.before)}</code>
              </div>
            )}
            {e.after && (
              <div class="small">
                after: <code>{describe(e.after)}</code>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function outcomeDecision(o: CaseOutcome): Record<string, unknown> | null {
  return o.ok ? o.decision : null;
}
