/**
 * A version diff made readable: the changes grouped by the part of the policy (params, tables,
 * derived values, rules, tests…), each named by what it is (the param, the rule by its id, the
 * table row, the test by its name) with its value before and after. Short values read inline
 * ("30 → 10"); objects and expressions side by side as formatted JSON.
 */
import type { JSX } from 'preact';
import type { VersionDiff } from '../../../server/types/schemas.gen.ts';
import { describeChange, groupChanges } from '../doc-diff.ts';
import type { ReadableChange } from '../doc-diff.ts';
import { formatJson } from '../format-json.ts';
import { plural } from '../format.ts';

interface Props {
  diff: VersionDiff;
  /** The two documents, to name rules, tests and rows by their ids (optional: paths are shown without). */
  fromDocument?: Record<string, unknown> | null;
  toDocument?: Record<string, unknown> | null;
}

export function DiffView({ diff, fromDocument, toDocument }: Props): JSX.Element {
  const a = diff.from.version;
  const b = diff.to.version;
  if (diff.identical) return <p data-testid="diff-summary">Versions {a} and {b} have the same document.</p>;
  const changes = diff.changes.map((c) => describeChange(c, { from: fromDocument, to: toDocument }));
  const groups = groupChanges(changes);
  return (
    <div class="diff" data-testid="diff">
      <p data-testid="diff-summary">
        {plural(changes.length, 'change')} from version {a} to version {b}
        {groups.length > 1 ? `, in ${groups.map((g) => g.group.toLowerCase()).join(', ')}` : groups[0] ? `, in ${groups[0].group.toLowerCase()}` : ''}.
      </p>
      {groups.map(({ group, changes: list }) => (
        <section key={group} class="diff-group" aria-label={group}>
          <h3>{group}</h3>
          <ul class="changes">
            {list.map((c, i) => (
              <Change key={`${c.path}-${i}`} change={c} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

const OP_LABEL: Record<ReadableChange['op'], string> = { changed: 'changed', added: 'added', removed: 'removed', moved: 'moved' };

function Change({ change: c }: { change: ReadableChange }): JSX.Element {
  const inline = isShort(c.before) && isShort(c.after);
  return (
    <li class={`change ${c.op}`} data-path={c.path}>
      <div class="change-head">
        <span class={`op ${c.op}`}>{OP_LABEL[c.op]}</span> <strong class="subject">{c.subject}</strong>
        {c.where && <span class="where"> › {c.where}</span>}
        <code class="path muted" title="JSON Pointer in the newer version">
          {c.op === 'moved' && c.fromPath ? `${c.fromPath} → ${c.path}` : c.path}
        </code>
      </div>
      {c.op !== 'moved' &&
        (inline ? (
          <p class="inline-values">
            {c.hasBefore && (
              <del>
                <span class="sr-only">before: </span>
                {show(c.before)}
              </del>
            )}
            {c.hasBefore && c.hasAfter && <span aria-hidden="true"> → </span>}
            {c.hasAfter && (
              <ins>
                <span class="sr-only">after: </span>
                {show(c.after)}
              </ins>
            )}
            {c.unit && <span class="muted"> {c.unit}</span>}
          </p>
        ) : (
          <div class="block-values">
            {c.hasBefore && (
              <div class="before">
                <span class="label">before</span>
                <pre>{formatJson(c.before, 60).trimEnd()}</pre>
              </div>
            )}
            {c.hasAfter && (
              <div class="after">
                <span class="label">after</span>
                <pre>{formatJson(c.after, 60).trimEnd()}</pre>
              </div>
            )}
          </div>
        ))}
    </li>
  );
}

function isShort(v: unknown): boolean {
  return v === undefined || v === null || typeof v !== 'object' ? JSON.stringify(v ?? null).length <= 60 : JSON.stringify(v).length <= 40;
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}
