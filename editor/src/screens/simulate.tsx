/**
 * The Simulate view of a policy (/policies/<key>/simulate), inside the edit screen so that it
 * runs the document as it is in the editor, saved or not: choose the cases (samples, pasted
 * orders, logged decisions) and the baseline, change params on the left, and see on the right
 * what changes, by how much money, and why. One simulation per editor instance, kept while the
 * editor lives, so going back to the document and returning keeps the choices and the results.
 * The engine and the model load with the view (the first visit), not with the app.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { can } from '../api.ts';
import type { Api, Me, PolicyDetail } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { ParamsForm } from '../components/params-form.tsx';
import { BaselineChooser, CaseChooser } from '../components/simulation-cases.tsx';
import { CrossPolicy } from '../components/simulation-cross-policy.tsx';
import type { VersionChoice } from '../components/simulation-cases.tsx';
import { SimulationChanges } from '../components/simulation-changes.tsx';
import type { DetailContext } from '../components/simulation-detail.tsx';
import { RunProgress, SimulationSummary } from '../components/simulation-summary.tsx';
import { count } from '../components/simulation-format.tsx';
import type { PolicyEditor } from '../policy-editor.ts';
import type { Simulation, SimulationState } from '../simulation.ts';
import { useStore } from '../use-store.ts';
import '../simulation.css';

interface Props {
  api: Api;
  me: Me;
  detail: PolicyDetail;
  editor: PolicyEditor;
  /** The version the document was started from (a draft's base version), or null. */
  baseVersion: number | null;
}

const simulations = new WeakMap<PolicyEditor, Simulation>();
const loadModel = () => Promise.all([import('../simulation.ts'), import('../schemas.ts')]);

export function Simulate({ api, me, detail, editor, baseVersion }: Props): JSX.Element {
  const [sim, setSim] = useState<Simulation | null>(() => simulations.get(editor) ?? null);
  const [failed, setFailed] = useState<unknown>(null);

  useEffect(() => {
    if (sim) return;
    let live = true;
    loadModel().then(([model, schemas]) => {
      if (!live) return;
      let s = simulations.get(editor);
      if (!s) {
        s = model.createSimulation({
          policy: detail.key,
          api,
          editor,
          registry: schemas.schemaRegistry(),
          schemaFiles: schemas.schemaFiles,
          activations: detail.activations ?? [],
          latestVersion: detail.latestVersion,
          tenantLanguage: me.language,
        });
        simulations.set(editor, s);
      }
      setSim(s);
    }, (err: unknown) => live && setFailed(err));
    return () => {
      live = false;
    };
  }, [editor, sim]);

  useEffect(() => {
    if (!sim) return;
    sim.open();
    return () => sim.close();
  }, [sim]);

  if (failed) return <ErrorBox error={failed} title="The simulation cannot start" />;
  if (!sim) {
    return (
      <div class="simulate" aria-busy="true">
        <p class="muted pad">Loading the simulation…</p>
      </div>
    );
  }
  return <SimulateLoaded sim={sim} api={api} me={me} detail={detail} editor={editor} baseVersion={baseVersion} />;
}

function SimulateLoaded({ sim, api, me, detail, editor, baseVersion }: { sim: Simulation; api: Api; me: Me; detail: PolicyDetail; editor: PolicyEditor; baseVersion: number | null }): JSX.Element {
  const state = useStore(sim);
  const doc = useStore(editor);
  const readOnly = doc.save.status === 'read-only';
  const versions = useMemo(() => versionChoices(detail), [detail]);
  // The version that decides now (a holiday overlay aside, the policy of today): what staff judge a change against.
  const suggested = detail.active?.version ?? baseVersion;
  const context: DetailContext = {
    readOnly,
    testStatus: (name) => {
      if (doc.stale) return 'pending';
      const t = doc.tests.find((x) => x.name === name);
      return t ? (t.passed ? 'passed' : 'failed') : 'pending';
    },
  };
  const failing = doc.tests.filter((t) => !t.passed).length;
  return (
    <div class="simulate" data-testid="simulate">
      <aside class="sim-setup" aria-label="What to simulate">
        <section aria-labelledby="sim-cases-title">
          <h2 id="sim-cases-title">Cases</h2>
          <CaseChooser sim={sim} state={state} allowServer={can(me, 'write')} />
        </section>
        <section aria-labelledby="sim-baseline-title">
          <h2 id="sim-baseline-title">Compare with</h2>
          <BaselineChooser sim={sim} state={state} versions={versions} suggested={suggested} />
        </section>
        <section aria-labelledby="sim-params-title">
          <h2 id="sim-params-title">Params</h2>
          <p class="muted small">{readOnly ? 'The params of the document.' : 'A change here changes the document; the simulation follows it.'}</p>
          <ParamsForm idPrefix="sim-param" fields={doc.params} problems={doc.problems} disabled={readOnly || doc.parseError !== null} onChange={editor.setParam} />
        </section>
        {can(me, 'write') && (
          <section aria-labelledby="sim-cross-title">
            <h2 id="sim-cross-title">With other policies</h2>
            <CrossPolicy api={api} policy={detail.key} editor={editor} choice={state} />
          </section>
        )}
        <p class="small tests-line" data-testid="sim-tests-line">
          {doc.stale ? (
            <span class="muted">Checking the tests…</span>
          ) : doc.problems.length ? (
            <span class="bad">The document does not compile.</span>
          ) : failing ? (
            <span class="bad">
              {failing} of {count(doc.tests.length, 'test')} failing
            </span>
          ) : (
            <span class="good">All {count(doc.tests.length, 'test')} pass</span>
          )}
        </p>
      </aside>
      <div class="sim-results">
        {state.running && <RunProgress progress={state.running} />}
        {state.error && (
          <div class="error-box" role="alert">
            <strong>The simulation failed</strong>
            <p>{state.error.message}</p>
            {state.error.problems.length > 0 && (
              <ul>
                {state.error.problems.map((p, i) => (
                  <li key={i}>
                    <code>{p.path || '(body)'}</code> {p.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {state.blocked && (
          <div class="warn-box" role="status" data-testid="sim-blocked">
            <p>{state.blocked.message}</p>
            {state.blocked.problems.length > 0 && state.kind !== 'decisions' && (
              <ul class="small">
                {state.blocked.problems.slice(0, 5).map((p, i) => (
                  <li key={i}>
                    <code>{p.path || '(document)'}</code> {p.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {state.result ? (
          <>
            <SimulationSummary result={state.result} stale={state.stale} />
            <SimulationChanges sim={sim} result={state.result} context={context} />
          </>
        ) : (
          !state.running && !state.blocked && <p class="muted">{placeholder(state)}</p>
        )}
      </div>
    </div>
  );
}

function placeholder(state: SimulationState): string {
  if (state.kind === 'decisions') return 'Choose the days and run: the server decides the logged decisions again with this document, and streams its progress.';
  if (state.kind === 'orders') return state.ordersProblems.length ? 'Fix the problems listed under the pasted orders to simulate them.' : 'Paste orders on the left: they are decided here, with this document and the baseline, as soon as they are valid.';
  return state.samples.status === 'failed' ? 'The samples cannot be loaded.' : 'Loading the samples…';
}

/** The versions to compare with, newest first, each with when it decides. */
function versionChoices(detail: PolicyDetail): VersionChoice[] {
  const out: VersionChoice[] = [];
  const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);
  for (let v = detail.latestVersion ?? 0; v >= 1; v--) {
    const notes: string[] = [];
    if (detail.active?.version === v) notes.push('decides now');
    for (const a of detail.activations ?? []) {
      if (a.version !== v || (a.from === null && !a.until)) continue;
      const from = day(a.from);
      const until = day(a.until);
      notes.push(from && until ? `${from} – ${until}` : from ? `from ${from}` : `until ${until}`);
    }
    out.push({ version: v, note: notes.join('; ') });
  }
  return out;
}
