/**
 * The Simulate view's "with other policies" panel: the document in the editor together with
 * other policies of the tenant (their saved drafts, or unchanged as they decide now) over the
 * cases chosen for the main simulation (its samples, pasted orders or logged decisions' days),
 * on the server (POST /v1/simulate, streamed: a progress bar in orders), with the combined
 * summary: per policy the decisions compared, changed and the money moved (in each currency, as
 * the rest of the Simulate tab writes money), all policies together, and the changed orders with
 * the policies whose decision changed. The model is cross-policy.ts.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import { crossPolicyBody, crossPolicyCases, crossRunOf, emptyRun, otherPolicies, summaryRows } from '../cross-policy.ts';
import type { CaseChoice, CrossRun, OtherPolicy, PolicyChoice, PolicyRow } from '../cross-policy.ts';
import type { PolicyEditor } from '../policy-editor.ts';
import { count, fieldLabel, formatMoney } from './simulation-format.tsx';
import type { SimulateTenantResponse } from '../../../server/types/schemas.gen.ts';

interface Props {
  api: Api;
  policy: string;
  editor: PolicyEditor;
  /** The main simulation's choice of cases (its state): the panel runs over the same ones. */
  choice: CaseChoice;
}

/** Changed orders listed at most (the summary counts them all). */
const LISTED = 50;

type Run = { status: 'idle' } | { status: 'running'; run: CrossRun; label: string } | { status: 'done'; answer: SimulateTenantResponse; label: string } | { status: 'failed'; message: string; problems: Array<{ path: string; message: string }> };

export function CrossPolicy({ api, policy, editor, choice }: Props): JSX.Element {
  const [others, setOthers] = useState<OtherPolicy[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [choices, setChoices] = useState<Record<string, PolicyChoice>>({});
  const [run, setRun] = useState<Run>({ status: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  useEffect(() => {
    let live = true;
    api.listPolicies().then(
      (list) => live && setOthers(otherPolicies(list.policies, policy)),
      (err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [api, policy]);

  if (loadError) return <p class="bad small">The policies cannot be listed: {loadError}</p>;
  if (!others) return <p class="muted small">Loading the policies…</p>;
  if (!others.length) return <p class="muted small">This tenant has no other policy.</p>;

  const cases = crossPolicyCases(choice, policy);
  const start = () => {
    const body = cases.ok ? crossPolicyBody(policy, editor.get().text, choices, cases.cases) : cases;
    if (!cases.ok || !body.ok) {
      setRun({ status: 'failed', message: body.ok ? '' : body.message, problems: [] });
      return;
    }
    abort.current?.abort();
    const controller = (abort.current = new AbortController());
    const label = cases.label;
    let acc = emptyRun();
    setRun({ status: 'running', run: acc, label });
    const failed = (message: string, problems: Array<{ path: string; message: string }> = []) => setRun({ status: 'failed', message, problems });
    api
      .simulateTenantStream(
        body.body,
        (line) => {
          acc = crossRunOf(acc, line);
          if (!controller.signal.aborted) setRun({ status: 'running', run: acc, label });
        },
        controller.signal,
      )
      .then(
        () => {
          if (controller.signal.aborted) return;
          if (acc.answer) setRun({ status: 'done', answer: acc.answer, label });
          else if (acc.problem) failed([acc.problem.title, acc.problem.detail].filter(Boolean).join(': '), acc.problem.errors ?? []);
          else failed('The answer broke off before its summary.');
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          const e = err as { message?: string; errors?: Array<{ path: string; message: string }> };
          failed(e.message ?? String(err), e.errors ?? []);
        },
      );
  };
  const included = Object.values(choices).some((c) => c !== 'skip');

  return (
    <div class="cross-policy" data-testid="cross-policy">
      <p class="muted small" data-testid="cross-cases">
        This document together with other policies of the tenant, over {cases.ok ? cases.label : 'the cases chosen above'} (on the server). Each order is decided by each policy it has a request for.
      </p>
      {!cases.ok && <p class="warn small">{cases.message}</p>}
      <ul class="cross-choices">
        {others.map((o) => (
          <li key={o.key}>
            <label for={`cross-${o.key}`}>{o.key}</label>{' '}
            <select
              id={`cross-${o.key}`}
              value={choices[o.key] ?? 'skip'}
              disabled={!o.decides}
              onChange={(e) => setChoices({ ...choices, [o.key]: (e.currentTarget as HTMLSelectElement).value as PolicyChoice })}
            >
              <option value="skip">not included</option>
              <option value="active">unchanged (as it decides now)</option>
              {o.hasDraft && <option value="draft">its draft</option>}
            </select>
          </li>
        ))}
      </ul>
      <button type="button" onClick={start} disabled={!included || !cases.ok || run.status === 'running'} data-testid="cross-run">
        {run.status === 'running' ? 'Simulating…' : 'Simulate together'}
      </button>
      {run.status === 'failed' && (
        <div class="error-box" role="alert">
          <p>{run.message}</p>
          {run.problems.length > 0 && (
            <ul class="small">
              {run.problems.slice(0, 5).map((p, i) => (
                <li key={i}>
                  <code>{p.path || '(body)'}</code> {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {run.status === 'running' && <CrossProgress run={run.run} />}
      {run.status === 'done' && <CrossResult answer={run.answer} rows={summaryRows(run.answer, policy)} label={run.label} />}
    </div>
  );
}

/** How far the server is, in orders (as the main simulation's progress bar). */
function CrossProgress({ run }: { run: CrossRun }): JSX.Element {
  const p = run.progress;
  const known = p !== null && p.total > 0;
  return (
    <div class="sim-progress" data-testid="cross-progress">
      <label for="cross-progress-bar">
        Simulating together on the server
        {known ? `: ${p.done.toLocaleString('en-US')} of ${count(p.total, 'order')}` : '…'}
        {run.orders.length ? `, ${count(run.orders.length, 'changed order')} so far` : ''}
      </label>
      <progress id="cross-progress-bar" max={known ? p.total : undefined} value={known ? p.done : undefined} />
    </div>
  );
}

/** "refundAmount −$6.10 USD"-style amounts: the net moved in the orders' currency, signed, as the Simulate tab writes money. */
export function moneyMoved(money: PolicyRow['money']): string {
  return money.length ? money.map((m) => `${fieldLabel(m.field)} ${formatMoney(m.net, m.currency || null, { signed: true })}`).join(', ') : '–';
}

function CrossResult({ answer, rows, label }: { answer: SimulateTenantResponse; rows: PolicyRow[]; label: string }): JSX.Element {
  const s = answer.summary;
  return (
    <div class="cross-result" data-testid="cross-result" aria-live="polite">
      <p data-testid="cross-orders">
        {s.orders} orders, {s.changedOrders} with a changed decision
      </p>
      <p class="muted small" data-testid="cross-over">Over {label}.</p>
      <table class="small">
        <thead>
          <tr>
            <th scope="col">policy</th>
            <th scope="col">decided by</th>
            <th scope="col">decisions</th>
            <th scope="col">changed</th>
            <th scope="col">moved (net, per currency)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.policy} data-testid={`cross-row-${r.policy}`}>
              <th scope="row">{r.policy}</th>
              <td>{r.compared}</td>
              <td>{r.evaluated}</td>
              <td>{r.changed}</td>
              <td>{moneyMoved(r.money)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {answer.orders.length > 0 && (
        <ul class="small cross-orders" aria-label="Changed orders">
          {answer.orders.slice(0, LISTED).map((o) => (
            <li key={o.index}>
              <code>{o.id}</code>: {o.changed.join(', ')}
            </li>
          ))}
          {answer.orders.length > LISTED || answer.more ? <li class="muted">and {answer.orders.length - Math.min(LISTED, answer.orders.length) + (answer.more ?? 0)} more</li> : null}
        </ul>
      )}
    </div>
  );
}
