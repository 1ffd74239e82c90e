/**
 * The edit screen of one policy: Monaco on the document (the draft if there is one, else the
 * active version), the params as a form and the decision tables as grids beside it, and the engine's checks (compile problems
 * and embedded tests, run in this browser on each change). Changes autosave to the draft with
 * If-Match; Ctrl+S saves at once. A viewer sees the same screen read-only.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { can } from '../api.ts';
import type { Api, Me, PolicyDetail } from '../api.ts';
import { CheckPanel } from '../components/check-panel.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { formatJson } from '../format-json.ts';
import { JsonEditor } from '../components/json-editor.tsx';
import type { Reveal } from '../components/json-editor.tsx';
import { ParamsForm } from '../components/params-form.tsx';
import { TablesGrid } from '../components/tables-grid.tsx';
import { setCell } from '../tables.ts';
import { PolicyTabs } from '../components/policy-nav.tsx';
import { PublishButton } from '../components/publish-dialog.tsx';
import { SaveStatus } from '../components/save-status.tsx';
import { Simulate } from './simulate.tsx';
import { createPolicyEditor } from '../policy-editor.ts';
import type { PolicyEditor } from '../policy-editor.ts';
import { useStore } from '../use-store.ts';

interface Props {
  api: Api;
  me: Me;
  policy: string;
  navigate(path: string): void;
  /** 'simulate': the Simulate view of the same document (screens/simulate.tsx). */
  view?: 'edit' | 'simulate';
}

/** Where the text came from: the draft, or a version (until the first save makes a draft of it). */
interface Origin {
  draft: boolean;
  version: number | null;
  active: boolean;
}
type Loaded = { editor: PolicyEditor; detail: PolicyDetail; origin: Origin } | { error: unknown };

const toText = (document: unknown) => formatJson(document);

/** The checker (engine + bundled schemas) is loaded with the screen, in parallel with the API calls. */
const loadChecker = () => Promise.all([import('../checker.ts'), import('../schemas.ts')]).then(([c, s]) => c.createChecker(s.schemaRegistry()));

export function Edit({ api, me, policy, navigate, view = 'edit' }: Props): JSX.Element {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const writable = can(me, 'write');
  // Publishing turns the draft into a version: the screen then loads again from the server,
  // showing that version (not the active one), so the next change starts from what was published.
  const [published, setPublished] = useState<{ version: number } | null>(null);

  useEffect(() => {
    let live = true;
    let editor: PolicyEditor | null = null;
    (async () => {
      const [detail, check] = await Promise.all([api.getPolicy(policy), loadChecker()]);
      const draft = detail.draft ? await api.getDraft(policy) : null;
      let document: unknown;
      let origin: Origin;
      if (draft) {
        document = draft.document;
        origin = { draft: true, version: draft.baseVersion, active: false };
      } else if (published && published.version !== detail.active?.version) {
        document = (await api.getVersion(policy, published.version)).document;
        origin = { draft: false, version: published.version, active: false };
      } else if (detail.active) {
        document = detail.active.document;
        origin = { draft: false, version: detail.active.version, active: true };
      } else if (detail.latestVersion !== null) {
        document = (await api.getVersion(policy, detail.latestVersion)).document;
        origin = { draft: false, version: detail.latestVersion, active: false };
      } else {
        throw new Error('This policy has neither a version nor a draft.');
      }
      if (!live) return;
      editor = createPolicyEditor(
        { policy, text: toText(document), etag: draft?.etag ?? null, saved: draft !== null },
        {
          check,
          ...(writable
            ? {
                save: async (doc: unknown, etag: string | null) => ({ etag: (await api.saveDraft(policy, doc, etag)).etag }),
                reload: async () => {
                  const d = await api.getDraft(policy);
                  return d ? { text: toText(d.document), etag: d.etag } : { text: toText(document), etag: null };
                },
              }
            : { readOnlyReason: `a ${me.role} key can read policies but not change them.` }),
        },
      );
      setLoaded({ editor, detail, origin });
    })().catch((error: unknown) => live && setLoaded({ error }));
    return () => {
      live = false;
      // Leaving the screen saves what is pending, then stops the timers.
      const e = editor;
      if (e) void e.saveNow().finally(() => e.dispose());
    };
  }, [api, policy, writable, published]);

  if (!loaded) {
    return (
      <section class="page" aria-busy="true">
        <Breadcrumb policy={policy} navigate={navigate} />
        <p class="muted">Loading {policy}…</p>
      </section>
    );
  }
  if ('error' in loaded) {
    return (
      <section class="page">
        <Breadcrumb policy={policy} navigate={navigate} />
        <ErrorBox error={loaded.error} title={`Cannot open ${policy}`} />
      </section>
    );
  }
  return <EditLoaded view={view} editor={loaded.editor} detail={loaded.detail} origin={loaded.origin} me={me} navigate={navigate} api={api} onPublished={(version) => setPublished({ version })} />;
}

function Breadcrumb({ policy, navigate }: { policy: string; navigate(path: string): void }): JSX.Element {
  return (
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <a
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        Policies
      </a>{' '}
      / <span aria-current="page">{policy}</span>
    </nav>
  );
}

function describeOrigin(origin: Origin, hasDraft: boolean, writable: boolean): string {
  // A loaded draft knows only which version was the newest when it was started (its baseVersion).
  const verb = writable ? 'Editing' : 'Showing';
  if (origin.draft) return origin.version === null ? `${verb} the draft (no version published yet).` : `${verb} the draft (started when version ${origin.version} was the newest).`;
  if (hasDraft) return `Editing the draft, started from version ${origin.version}.`;
  const which = origin.active ? `version ${origin.version}, which decides now` : `version ${origin.version} (not active now)`;
  return `Showing ${which}.${writable ? ' Your first change starts a draft.' : ''}`;
}

function EditLoaded({ view, editor, detail, origin, me, navigate, api, onPublished }: { view: 'edit' | 'simulate'; editor: PolicyEditor; detail: PolicyDetail; origin: Origin; me: Me; navigate(path: string): void; api: Api; onPublished(version: number): void }): JSX.Element {
  const state = useStore(editor);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const show = useCallback((line: number) => setReveal((r) => ({ line, nonce: (r?.nonce ?? 0) + 1 })), []);
  const readOnly = state.save.status === 'read-only';
  // The tables' grids follow the text; while it is not valid JSON they keep the last document.
  const lastDocument = useRef<unknown>(null);
  const doc = useMemo(() => {
    try {
      lastDocument.current = JSON.parse(state.text) as unknown;
    } catch {
      /* keep the last */
    }
    return lastDocument.current;
  }, [state.text]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void editor.saveNow();
      }
    };
    const onLeave = (e: BeforeUnloadEvent) => {
      const s = editor.get().save.status;
      if (s === 'pending' || s === 'saving' || s === 'not-saved' || s === 'conflict') e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onLeave);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onLeave);
    };
  }, [editor]);

  return (
    <div class="edit">
      <div class="edit-head">
        <div>
          <Breadcrumb policy={detail.key} navigate={navigate} />
          <h1>{detail.title}</h1>
          <p class="muted origin">{describeOrigin(origin, state.etag !== null, state.save.status !== 'read-only')}</p>
        </div>
        <PolicyTabs policy={detail.key} current={view === 'simulate' ? 'simulate' : 'edit'} navigate={navigate} />
        <SaveStatus save={state.save} onTakeTheirs={() => void editor.takeTheirs()} onKeepMine={() => void editor.keepMine()} />
        {can(me, 'publish') && !readOnly && <PublishButton api={api} policy={detail.key} editor={editor} reveal={show} navigate={navigate} onPublished={(answer) => onPublished(answer.version.version)} onDiscarded={onPublished} />}
      </div>
      <div class="edit-body" hidden={view === 'simulate'}>
        <section class="doc" aria-label="Policy document">
          <JsonEditor
            value={state.text}
            onChange={editor.setText}
            tenant={me.tenant}
            policy={detail.key}
            readOnly={readOnly}
            markers={state.stale ? null : state.problems}
            warnings={state.stale ? null : state.warnings}
            reveal={reveal}
            label={`Policy document ${detail.key} (JSON). Press Ctrl+M to let Tab move the focus out of the editor.`}
          />
          <p class="hint muted">
            Ctrl+M: Tab leaves the editor · Ctrl+Space: suggestions · hover an operator or a <code>params.…</code> name for its documentation{readOnly ? '' : ' · Ctrl+S: save now'}
          </p>
        </section>
        <aside class="side" aria-label="Params and checks">
          <section class="params-panel" aria-labelledby="params-title">
            <h2 id="params-title">Params</h2>
            <ParamsForm fields={state.params} problems={state.problems} disabled={readOnly || state.parseError !== null} onChange={editor.setParam} />
            <TablesGrid document={doc} problems={state.problems} disabled={readOnly || state.parseError !== null} onChange={(path, value) => editor.setText(setCell(editor.get().text, path, value))} onEdit={(edit) => editor.setText(edit(editor.get().text))} />
          </section>
          <CheckPanel state={state} reveal={show} />
        </aside>
      </div>
      {view === 'simulate' && <Simulate api={api} me={me} detail={detail} editor={editor} baseVersion={origin.version} />}
    </div>
  );
}
