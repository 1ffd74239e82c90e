/**
 * "New tenant" (at / and /tenants/new for a platform operator key): choose a template, fill in
 * its params as a form (the params form of the policy editor, one field per param, with its
 * description and unit; required ones start empty), name the tenant and optionally give its
 * default explanation language (a BCP 47 tag such as "ko"), create it with one
 * POST /v1/tenants, then see the new tenant's admin key once, copy it, and sign in as it.
 * Problems come back with their JSON paths (/params/<name>/…) and are shown on their fields.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import type { Api, Me } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { ParamsForm } from '../components/params-form.tsx';
import type { ParamField } from '../params.ts';
import type { LocatedProblem } from '../policy-editor.ts';
import type { Session } from '../session.ts';
import type { TemplateList, TenantCreateRequest, TenantCreated } from '../../../server/types/schemas.gen.ts';

type Template = TemplateList['templates'][number];
type TemplateParam = Template['params'][number];

/** The form's first value of a param: its default, or nothing for a required one (the merchant fills it in). */
export function initialValue(p: TemplateParam): unknown {
  if (!p.required) return p.default;
  // A text field starts empty; anything else (a number, a list, an object) starts as null.
  return (p.schema as { type?: unknown } | null)?.type === 'string' ? '' : null;
}

/** A template param as a field of the params form; `path` is where the API names its problems. */
export function paramField(p: TemplateParam, value: unknown): ParamField {
  // Typed by the default, or for a required param (no default) by its example.
  const sample = p.required ? p.example : p.default;
  const kind = typeof sample === 'number' ? 'number' : typeof sample === 'string' ? 'string' : typeof sample === 'boolean' ? 'boolean' : 'json';
  const unit = [p.unit, p.required ? 'required' : null].filter(Boolean).join(', ') || null;
  return { name: p.name, kind, value, description: p.description, unit, source: null, path: `/params/${p.name}` };
}

/** The languages offered in the language field (any other BCP 47 tag may be typed). */
export const SUGGESTED_LANGUAGES: Array<[string, string]> = [['en', 'English'], ['ko', 'Korean (한국어)'], ['ja', 'Japanese (日本語)'], ['zh', 'Chinese (中文)'], ['de', 'German'], ['fr', 'French'], ['es', 'Spanish']];

/**
 * The POST /v1/tenants body of the form: ids and texts trimmed, the name defaulting to the id,
 * and the language only when one is given (the server then keeps none: English).
 *
 * @example
 *   tenantRequest({ tenant: ' acme ', name: '', template: 'returns-standard', params: {}, language: ' ko ' });
 *   // { tenant: 'acme', name: 'acme', template: 'returns-standard', params: {}, language: 'ko' }
 */
export function tenantRequest(form: { tenant: string; name: string; template: string; params: Record<string, unknown>; language: string }): TenantCreateRequest {
  const tenant = form.tenant.trim();
  const language = form.language.trim();
  return { tenant, name: form.name.trim() || tenant, template: form.template, params: form.params, ...(language ? { language } : {}) };
}

export function NewTenant({ api, me, session, navigate }: { api: Api; me: Me; session: Session; navigate: (path: string) => void }): JSX.Element {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [tenant, setTenant] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<TenantCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const operator = me.permissions.includes('tenants');

  useEffect(() => {
    if (!operator) return;
    let live = true;
    api.listTemplates().then(
      (list) => {
        if (!live) return;
        setTemplates(list.templates);
        if (list.templates[0]) choose(list.templates[0]);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, operator]);

  const template = templates?.find((t) => t.template === chosen) ?? null;
  const choose = (t: Template) => {
    setChosen(t.template);
    setValues(Object.fromEntries(t.params.map((p) => [p.name, initialValue(p)])));
    setError(null);
  };
  const fields = useMemo(() => (template ? template.params.map((p) => paramField(p, values[p.name])) : []), [template, values]);
  const problems: LocatedProblem[] = error instanceof ApiError ? error.errors.map((e) => ({ path: e.path, message: e.message, start: 0, end: 0, line: 1 })) : [];
  const fieldError = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message).join(' ');

  if (!operator) {
    return (
      <section class="page">
        <h1>New tenant</h1>
        <p>Only a platform operator key can create tenants. Sign in with one (made on the server with <code>npm run -s policy -- keys create --operator</code>).</p>
      </section>
    );
  }

  if (created) {
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(created.secret);
        setCopied(true);
      } catch {
        // No clipboard access (an insecure origin, a denied permission): the key is selected to copy by hand.
        (document.getElementById('new-admin-key') as HTMLInputElement | null)?.select();
      }
    };
    return (
      <section class="page new-tenant" aria-labelledby="created-title">
        <h1 id="created-title">Tenant {created.tenant.name} created</h1>
        <p>
          <code>{created.tenant.id}</code> starts from the template <strong>{created.tenant.template}</strong>:{' '}
          {created.policies.map((p) => `${p.key} version ${p.version}`).join(', ')}, in force from {created.policies[0]?.activeFrom ?? 'the beginning'}, with {created.samples} sample orders.
          {created.tenant.language ? ` Its decisions are explained in ${created.tenant.language} when the order names no language the policy is written in.` : ''}
        </p>
        <h2>Its admin key</h2>
        <p class="warning" role="note">
          Store this key now: it is shown only this once (the server keeps only its hash). It manages the tenant: policies, keys and all.
        </p>
        <p class="secret-row">
          <input id="new-admin-key" class="mono" readOnly value={created.secret} aria-label="The new tenant's admin key" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </p>
        <p>
          <button
            type="button"
            class="primary"
            onClick={() => {
              navigate('/');
              void session.signIn(created.secret);
            }}
          >
            Sign in as {created.tenant.name}
          </button>{' '}
          <button type="button" class="quiet" onClick={() => { setCreated(null); setCopied(false); setTenant(''); setName(''); setLanguage(''); if (template) choose(template); }}>
            Create another tenant
          </button>
        </p>
      </section>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!template) return;
    setBusy(true);
    setError(null);
    try {
      setCreated(await api.createTenant(tenantRequest({ tenant, name, template: template.template, params: values, language })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page new-tenant" aria-labelledby="new-tenant-title" aria-busy={templates === null && !error}>
      <h1 id="new-tenant-title">New tenant</h1>
      <p class="lead">A new merchant starts from a template of policies: choose one, fill in its params, and create the tenant with its first admin key.</p>
      {error !== null && <ErrorBox error={error} title={error instanceof ApiError && error.status === 400 ? 'Check the highlighted fields' : undefined} />}
      {templates && templates.length === 0 && <p>No templates are installed on this server (policies/_templates/).</p>}
      {templates && templates.length > 0 && (
        <form onSubmit={(e) => void submit(e)} aria-label="New tenant" class="new-tenant-form">
          <fieldset>
            <legend>Template</legend>
            {templates.map((t) => (
              <label key={t.template} class="template-choice">
                <input type="radio" name="template" value={t.template} checked={t.template === chosen} onChange={() => choose(t)} />
                <span>
                  <strong>{t.name}</strong> <code>{t.template}</code>
                  <span class="muted"> {t.policies.map((p) => p.title).join(', ')}; {t.samples} sample orders</span>
                  <br />
                  <span class="muted">{t.description}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Tenant</legend>
            <label for="tenant-id">Tenant id</label>
            <input id="tenant-id" class="mono" value={tenant} required pattern="[a-z][a-z0-9\-]{0,62}" placeholder="acme" aria-describedby="tenant-id-help tenant-id-error" aria-invalid={fieldError('/tenant') ? true : undefined} onInput={(e) => setTenant(e.currentTarget.value)} />
            <p id="tenant-id-help" class="help">Lower-case letters, digits and dashes, starting with a letter. It cannot be changed later.</p>
            {fieldError('/tenant') && <p id="tenant-id-error" class="field-error">{fieldError('/tenant')}</p>}
            <label for="tenant-name">Name</label>
            <input id="tenant-name" value={name} placeholder="Acme Outfitters" onInput={(e) => setName(e.currentTarget.value)} />
            <label for="tenant-language">Explanation language</label>
            <input id="tenant-language" class="mono" value={language} list="tenant-languages" pattern="[a-z]{2,3}(-[A-Za-z0-9]{2,8})*" placeholder="en" aria-describedby="tenant-language-help tenant-language-error" aria-invalid={fieldError('/language') ? true : undefined} onInput={(e) => { setLanguage(e.currentTarget.value); setError(null); }} />
            <datalist id="tenant-languages">
              {SUGGESTED_LANGUAGES.map(([tag, label]) => (
                <option key={tag} value={tag}>{label}</option>
              ))}
            </datalist>
            <p id="tenant-language-help" class="help">Optional: the language decisions are explained in when the order's customer has none the policy is written in (a tag such as en or ko). Empty: English.</p>
            {fieldError('/language') && <p id="tenant-language-error" class="field-error">{fieldError('/language')}</p>}
          </fieldset>
          {template && (
            <fieldset>
              <legend>Params of {template.name}</legend>
              <ParamsForm key={template.template} idPrefix="template-param" fields={fields} problems={problems} disabled={busy} onChange={(param, value) => { setValues((v) => ({ ...v, [param]: value })); setError(null); }} />
            </fieldset>
          )}
          <p>
            <button type="submit" class="primary" disabled={busy || !template}>
              {busy ? 'Creating…' : 'Create tenant'}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}
