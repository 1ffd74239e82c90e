/**
 * The Simulate view's "with other policies" panel: the document in the editor together with
 * other policies of the tenant (their saved drafts, or unchanged as they decide now) over every
 * sample, on the server (POST /v1/simulate), with the combined summary: per policy the decisions
 * compared, changed and the money moved, all policies together, and the changed orders with the
 * policies whose decision changed. The model is cross-policy.ts.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import { crossPolicyBody, otherPolicies, summaryRows } from '../cross-policy.ts';
import type { OtherPolicy, PolicyChoice, PolicyRow } from '../cross-policy.ts';
import type { PolicyEditor } from '../policy-editor.ts';
import { fieldLabel } from './simulation-format.tsx';
import type { SimulateTenantResponse } from '../../../server/types/schemas.gen.ts';

interface Props {
  api: Api;
  policy: string;
  editor: PolicyEditor;
}

type Run = { status: 'idle' } | { status: 'running' } | { status: 'done'; answer: SimulateTenantResponse } | { status: 'failed'; message: string; problems: Array<{ path: string; message: string }> };

export function CrossPolicy({ api, policy, editor }: Props): JSX.Element {
  const [others, setOthers] = useState<OtherPolicy[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [choices, setChoices] = useState<Record<string, PolicyChoice>>({});
  const [run, setRun] = useState<Run>({ status: 'idle' });

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

  const start = () => {
    const body = crossPolicyBody(policy, editor.get().text, choices);
    if (!body.ok) {
      setRun({ status: 'failed', message: body.message, problems: [] });
      return;
    }
    setRun({ status: 'running' });
    api.simulateTenant(body.body).then(
      (answer) => setRun({ status: 'done', answer }),
      (err: unknown) => {
        const e = err as { message?: string; errors?: Array<{ path: string; message: string }> };
        setRun({ status: 'failed', message: e.message ?? String(err), problems: e.errors ?? [] });
      },
    );
  };
  const included = Object.values(choices).some((c) => c !== 'skip');

  return (
    <div class="cross-policy" data-testid="cross-policy">
      <p class="muted small">This document together with other policies of the tenant, over every sample (on the server). Each order is decided by each policy it has a request for.</p>
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
      <button type="button" onClick={start} disabled={!included || run.status === 'running'} data-testid="cross-run">
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
      {run.status === 'done' && <CrossResult answer={run.answer} rows={summaryRows(run.answer, policy)} />}
    </div>
  );
}

function CrossResult({ answer, rows }: { answer: SimulateTenantResponse; rows: PolicyRow[] }): JSX.Element {
  const s = answer.summary;
  return (
    <div class="cross-result" data-testid="cross-result" aria-live="polite">
      <p data-testid="cross-orders">
        {s.orders} orders, {s.changedOrders} with a changed decision
      </p>
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
              <td>{r.money.length ? r.money.map((m) => `${fieldLabel(m.field)} ${m.net > 0 ? '+' : ''}${m.net}${m.currency ? ` ${m.currency}` : ''}`).join(', ') : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {answer.orders.length > 0 && (
        <ul class="small cross-orders" aria-label="Changed orders">
          {answer.orders.map((o) => (
            <li key={o.index}>
              <code>{o.id}</code>: {o.changed.join(', ')}
            </li>
          ))}
          {answer.more ? <li class="muted">and {answer.more} more</li> : null}
        </ul>
      )}
    </div>
  );
}
