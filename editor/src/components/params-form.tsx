/**
 * The params as a form beside the JSON: one field per param, typed by its value (number,
 * text, yes/no, or JSON for lists, objects and null). Controlled: values come from the
 * document, and every valid edit goes straight back into the document's text. While a field
 * holds something that is not yet a valid value (an empty number, half-typed JSON) it keeps
 * the person's text and says why it is not applied.
 */
import type { JSX, TargetedInputEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatJsonValue } from '../params.ts';
import type { ParamField } from '../params.ts';
import type { LocatedProblem } from '../policy-editor.ts';

interface Props {
  fields: ParamField[];
  problems: LocatedProblem[];
  disabled: boolean;
  onChange(name: string, value: unknown): void;
  /** Prefix of the fields' ids (another form of the same params on the page needs its own). */
  idPrefix?: string;
}

export function ParamsForm({ fields, problems, disabled, onChange, idPrefix = 'param' }: Props): JSX.Element {
  if (fields.length === 0) return <p class="muted">This policy has no params.</p>;
  return (
    <form class="params" aria-label="Params" onSubmit={(e) => e.preventDefault()}>
      {fields.map((f) => (
        <Field key={f.name} idPrefix={idPrefix} field={f} problems={problems.filter((p) => p.path === f.path || p.path.startsWith(`${f.path}/`) || p.path === f.path.replace(/\/value$/, ''))} disabled={disabled} onChange={(v) => onChange(f.name, v)} />
      ))}
    </form>
  );
}

function Field({ idPrefix, field: given, problems, disabled, onChange }: { idPrefix: string; field: ParamField; problems: LocatedProblem[]; disabled: boolean; onChange(value: unknown): void }): JSX.Element {
  const id = `${idPrefix}-${given.name}`;
  // A field keeps the kind it was first shown with while its value still fits it, so typing 90
  // into a JSON field that held null does not swap the text area for a number box under the cursor.
  const [firstKind] = useState(given.kind);
  const field: ParamField = firstKind === 'json' || firstKind === given.kind ? { ...given, kind: firstKind } : given;
  const [local, setLocal] = useState<{ text: string; error: string | null }>({ text: display(field), error: null });

  // Follow the document when it changes from elsewhere (the JSON editor, a reload).
  useEffect(() => {
    if (!sameValue(parse(field.kind, local.text), field.value)) setLocal({ text: display(field), error: null });
  }, [field.value, field.kind]);

  const input = (text: string) => {
    const value = parse(field.kind, text);
    if (value === INVALID) {
      setLocal({ text, error: field.kind === 'number' ? 'Enter a number.' : 'Not valid JSON yet: the document keeps the last valid value.' });
      return;
    }
    setLocal({ text, error: null });
    onChange(value);
  };

  const describedBy = [`${id}-about`, local.error || problems.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const invalid = local.error !== null || problems.length > 0;
  let control: JSX.Element;
  if (field.kind === 'boolean') {
    control = <input id={id} type="checkbox" checked={field.value === true} disabled={disabled} aria-describedby={describedBy} onChange={(e) => onChange(e.currentTarget.checked)} />;
  } else if (field.kind === 'json') {
    // Rows for the text as the field wraps it (about 48 characters a line at the panel's width).
    const rows = Math.min(8, local.text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 48)), 0));
    control = <textarea id={id} class="mono" rows={rows} spellcheck={false} value={local.text} disabled={disabled} aria-describedby={describedBy} aria-invalid={invalid || undefined} onInput={(e) => input(e.currentTarget.value)} />;
  } else {
    const common = { id, value: local.text, disabled, 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined, onInput: (e: TargetedInputEvent<HTMLInputElement>) => input(e.currentTarget.value) };
    control = field.kind === 'number' ? <input type="number" step="any" {...common} /> : <input type="text" {...common} />;
  }

  return (
    <div class={`param${invalid ? ' invalid' : ''}`} data-param={field.name}>
      <label for={id}>
        <span class="mono">{field.name}</span>
        {field.unit && <span class="unit"> ({field.unit})</span>}
        {field.kind === 'json' && <span class="unit"> JSON</span>}
      </label>
      {control}
      {(local.error || problems.length > 0) && (
        <p id={`${id}-error`} class="field-error">
          {[local.error, ...problems.map((p) => p.message)].filter(Boolean).join(' ')}
        </p>
      )}
      <details class="about" id={`${id}-about`}>
        <summary title={field.description}>{field.description || 'No description.'}</summary>
        {field.description && <p>{field.description}</p>}
        {field.source && <blockquote>{field.source}</blockquote>}
      </details>
    </div>
  );
}

const INVALID = Symbol('invalid');

function display(field: ParamField): string {
  return field.kind === 'json' ? formatJsonValue(field.value) : String(field.value ?? '');
}

function parse(kind: ParamField['kind'], text: string): unknown {
  if (kind === 'number') {
    const n = Number(text);
    return text.trim() === '' || !Number.isFinite(n) ? INVALID : n;
  }
  if (kind === 'string') return text;
  if (kind === 'boolean') return text === 'true';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a !== INVALID && JSON.stringify(a) === JSON.stringify(b);
}
