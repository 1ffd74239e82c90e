/**
 * The tenant's policies: what decides now, the open draft, and what the schedule changes next.
 * A decider key cannot read policies, so it is told so instead of offered a list.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { can } from '../api.ts';
import type { Api, Me, PolicyList } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { describeSegment, formatInstant } from '../format.ts';

export function Policies({ api, me, navigate }: { api: Api; me: Me; navigate: (path: string) => void }): JSX.Element {
  const [list, setList] = useState<PolicyList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const readable = can(me, 'read');

  useEffect(() => {
    if (!readable) return;
    let live = true;
    api.listPolicies().then(
      (l) => live && setList(l),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, readable]);

  if (!readable) {
    return (
      <section class="page">
        <h1>Policies</h1>
        <p>
          A <strong>{me.role}</strong> key can ask for decisions but cannot read or edit policies. Sign in with an editor or viewer key to see them.
        </p>
      </section>
    );
  }

  const open = (key: string) => (e: Event) => {
    e.preventDefault();
    navigate(`/policies/${encodeURIComponent(key)}`);
  };
  const go = (path: string) => (e: Event) => {
    e.preventDefault();
    navigate(path);
  };

  return (
    <section class="page" aria-busy={!list && !error}>
      <h1>Policies</h1>
      <p class="lead">
        {me.tenantName}'s policies. Open one to {can(me, 'write') ? 'edit its draft and run its tests' : 'read it and run its tests'}.
        {list && <span class="muted"> Times in UTC; as of {formatInstant(list.at)}.</span>}
      </p>
      {error !== null && <ErrorBox error={error} />}
      {!list && !error && <p class="muted">Loading policies…</p>}
      {list && list.policies.length === 0 && <p>This tenant has no policies yet.</p>}
      {list && list.policies.length > 0 && (
        <table class="policies" data-testid="policy-list">
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Decides now</th>
              <th scope="col">Draft</th>
              <th scope="col">Coming up</th>
            </tr>
          </thead>
          <tbody>
            {list.policies.map((p) => (
              <tr key={p.key} data-policy={p.key}>
                <th scope="row">
                  <a href={`/policies/${encodeURIComponent(p.key)}`} onClick={open(p.key)} class="policy-link">
                    {p.title}
                  </a>
                  <div class="muted mono">{p.key}</div>
                </th>
                <td>
                  {p.activeVersion === null ? <span class="warn">no active version</span> : `version ${p.activeVersion}`}
                  {p.latestVersion !== null && p.latestVersion !== p.activeVersion && <div class="muted">latest: version {p.latestVersion}</div>}
                </td>
                <td>
                  {p.draft ? (
                    <span>
                      open draft<div class="muted">saved {formatInstant(p.draft.updatedAt)}</div>
                    </span>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                <td>
                  {p.upcoming.length === 0 ? (
                    <span class="muted">no change scheduled</span>
                  ) : (
                    <ul class="plain">
                      {p.upcoming.map((s, i) => (
                        <li key={i}>{describeSegment(s)}</li>
                      ))}
                    </ul>
                  )}
                  <a href={`/policies/${encodeURIComponent(p.key)}/schedule`} onClick={go(`/policies/${encodeURIComponent(p.key)}/schedule`)} class="small" aria-label={`Schedule and timeline: ${p.key}`}>
                    {p.upcoming.length === 0 ? 'Timeline' : 'See the timeline'}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
