/**
 * A policy's versions (/policies/<key>/history): every version with who published it, when
 * and why, which one decides now, and the document diff of any two (GET .../diff), named for
 * staff: params by name, rules by id, table rows, tests by name. The decision log is the next
 * tab (screens/decisions.tsx).
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { VersionDiff, VersionInfo, VersionList } from '../../../server/types/schemas.gen.ts';
import { can } from '../api.ts';
import type { Api, Me } from '../api.ts';
import { DiffView } from '../components/diff-view.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { NotForRole, PolicyHead } from '../components/policy-nav.tsx';
import { versionClass } from '../components/timeline-bar.tsx';
import { formatInstant } from '../format.ts';
import '../release.css';

interface Props {
  api: Api;
  me: Me;
  policy: string;
  navigate(path: string): void;
}

type DiffState = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; diff: VersionDiff; from: Record<string, unknown> | null; to: Record<string, unknown> | null } | { status: 'error'; error: unknown };

export function History({ api, me, policy, navigate }: Props): JSX.Element {
  const [versions, setVersions] = useState<VersionList | null>(null);
  const [title, setTitle] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [pair, setPair] = useState<{ a: number; b: number } | null>(null);
  const [diff, setDiff] = useState<DiffState>({ status: 'idle' });
  const documents = useRef(new Map<number, Promise<Record<string, unknown> | null>>());
  const readable = can(me, 'read');

  useEffect(() => {
    if (!readable) return;
    let live = true;
    Promise.all([api.listVersions(policy), api.getPolicy(policy)]).then(
      ([list, detail]) => {
        if (!live) return;
        setVersions(list);
        setTitle(detail.title);
        const last = list.versions.at(-1)?.version;
        if (last !== undefined && last > 1) setPair({ a: last - 1, b: last });
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, policy, readable]);

  useEffect(() => {
    if (!pair) return;
    let live = true;
    const doc = (v: number) => {
      // Documents are immutable: each is fetched once, to name rules and tests in the diff.
      if (!documents.current.has(v)) documents.current.set(v, api.getVersion(policy, v).then((d) => d.document, () => null));
      return documents.current.get(v)!;
    };
    setDiff({ status: 'loading' });
    Promise.all([api.diffVersions(policy, pair.a, pair.b), doc(pair.a), doc(pair.b)]).then(
      ([d, from, to]) => live && setDiff({ status: 'ready', diff: d, from, to }),
      (e) => live && setDiff({ status: 'error', error: e }),
    );
    return () => {
      live = false;
    };
  }, [api, policy, pair]);

  if (!readable) return <NotForRole role={me.role} policy={policy} navigate={navigate} />;
  const list = versions?.versions ?? [];
  return (
    <section class="page release" aria-busy={!versions && !error}>
      <PolicyHead policy={policy} title={title} current="history" navigate={navigate} />
      {error !== null && <ErrorBox error={error} />}
      {!versions && !error && <p class="muted">Loading the versions…</p>}
      {versions && (
        <div class="history-grid">
          <section aria-labelledby="versions-title" class="block">
            <h2 id="versions-title">Versions</h2>
            <table class="data versions" data-testid="versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Why</th>
                  <th scope="col">Who · when</th>
                  <th scope="col">
                    <span class="sr-only">Compare</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...list].reverse().map((v) => (
                  <tr key={v.version} data-version={v.version} class={pair && (pair.a === v.version || pair.b === v.version) ? 'selected' : undefined}>
                    <th scope="row">
                      <span class={`swatch ${versionClass(v.version)}`} aria-hidden="true" /> {v.version}
                      {v.version === versions.activeVersion && <span class="badge">decides now</span>}
                      {v.note && <div class="note">{v.note}</div>}
                    </th>
                    <td class="why">{v.reason ?? <span class="muted">no reason given</span>}</td>
                    <td>
                      {who(v, me)}
                      <div class="muted small">{formatInstant(v.createdAt)}</div>
                    </td>
                    <td>
                      {v.version > 1 && (
                        <button type="button" class="small-button" onClick={() => setPair({ a: v.version - 1, b: v.version })} aria-label={`Diff with ${v.version - 1}: compare version ${v.version} with version ${v.version - 1}`}>
                          Diff with {v.version - 1}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="diff-title" class="block diff-panel">
            <h2 id="diff-title">Document diff</h2>
            {list.length < 2 ? (
              <p class="muted">There is only one version: nothing to compare yet.</p>
            ) : (
              <>
                <form class="inline-form" onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
                  <VersionSelect id="diff-a" label="From version" versions={list} value={pair?.a ?? null} onChange={(a) => setPair({ a, b: pair?.b ?? a })} />
                  <VersionSelect id="diff-b" label="to version" versions={list} value={pair?.b ?? null} onChange={(b) => setPair({ a: pair?.a ?? b, b })} />
                </form>
                <div aria-live="polite" aria-busy={diff.status === 'loading'}>
                  {diff.status === 'loading' && <p class="muted">Comparing…</p>}
                  {diff.status === 'error' && <ErrorBox error={diff.error} />}
                  {diff.status === 'ready' && <DiffView diff={diff.diff} fromDocument={diff.from} toDocument={diff.to} />}
                </div>
              </>
            )}
          </section>
        </div>
      )}
    </section>
  );
}

function VersionSelect({ id, label, versions, value, onChange }: { id: string; label: string; versions: VersionInfo[]; value: number | null; onChange(v: number): void }): JSX.Element {
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} value={value === null ? '' : String(value)} onChange={(e) => onChange(Number((e.target as HTMLSelectElement).value))}>
        {[...versions].reverse().map((v) => (
          <option key={v.version} value={String(v.version)}>
            {v.version}
            {v.note ? ` · ${v.note}` : ''}
          </option>
        ))}
      </select>
    </>
  );
}

/** Who published: "you", the seed files, the CLI, or the key id. */
export function who(v: Pick<VersionInfo, 'createdBy'>, me: Me): string {
  if (me.keyId && v.createdBy === me.keyId) return 'you (this key)';
  if (v.createdBy === 'seed') return 'seeded from policies/';
  if (v.createdBy === 'cli') return 'the policy CLI';
  return `key ${v.createdBy}`;
}
