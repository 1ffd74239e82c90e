/**
 * Reads the tenant templates of policies/_templates/ (a folder whose name cannot be a tenant
 * id, so the seed and the CLI never take it for a tenant). One folder per template:
 *
 *   policies/_templates/<template>/template.json    name, description, policies, requiredParams
 *   policies/_templates/<template>/<policy>.json     a policy document; its param values are the defaults
 *   policies/_templates/<template>/samples/*.json   sample orders, copied to every new tenant
 *
 * The params of the template's policies are what a merchant fills in when a tenant is created
 * from it (server/services/tenants.ts); a param name shared by several policies takes one value.
 *
 * @example
 *   const { templates, problems } = loadTemplates();
 *   templates[0].params.map((p) => p.name);   // ['returnWindowDays', 'restockingFeeRate', ...]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSamples, policiesDir, readJson } from './policy-files.ts';
import type { FileProblem, SampleSource } from './policy-files.ts';
import { schemaRegistry } from './schema-files.ts';

/** The folder under policies/ that holds the templates. */
export const TEMPLATES_FOLDER = '_templates';

export interface TemplatePolicy {
  key: string;
  file: string;
  title: string;
  /** The document as written: its param values are the template's defaults. */
  document: Record<string, unknown>;
  sourceText: string;
}

/** One param a merchant fills in: what the policy documents say about it, merged over the policies that declare it. */
export interface TemplateParam {
  name: string;
  /** The template's policies that read it. */
  policies: string[];
  description: string;
  unit: string | null;
  /** The value used when the merchant gives none; null for a required param (it has no default). */
  default: unknown;
  /** For a required param: the document's sample value (its tests use it), never filled in for the merchant; null otherwise. */
  example: unknown;
  /** No sensible default: creating a tenant without it is refused. */
  required: boolean;
  /** The JSON Schema the value must satisfy, or null for any JSON value. */
  schema: object | null;
}

export interface TemplateSource {
  template: string;
  name: string;
  description: string;
  dir: string;
  policies: TemplatePolicy[];
  params: TemplateParam[];
  samples: SampleSource[];
}

interface Manifest {
  template: string;
  name: string;
  description: string;
  policies: string[];
  requiredParams?: string[];
}

export function templatesDir(dir = policiesDir): string {
  return join(dir, TEMPLATES_FOLDER);
}

/** Every template under `<policies>/_templates/`; a template with a problem is left out and the problem reported. */
export function loadTemplates(dir = policiesDir): { templates: TemplateSource[]; problems: FileProblem[] } {
  const root = templatesDir(dir);
  const templates: TemplateSource[] = [];
  const problems: FileProblem[] = [];
  if (!existsSync(root)) return { templates, problems };
  const validateManifest = schemaRegistry().compile({ $ref: 'template.schema.json' });
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const before = problems.length;
    const template = loadTemplate(join(root, entry.name), entry.name, validateManifest, problems);
    if (template && problems.length === before) templates.push(template);
  }
  return { templates, problems };
}

function loadTemplate(dir: string, folder: string, validateManifest: (v: unknown) => Array<{ path: string; message: string }>, problems: FileProblem[]): TemplateSource | null {
  const manifestFile = join(dir, 'template.json');
  if (!existsSync(manifestFile)) {
    problems.push({ file: manifestFile, path: '', message: 'a template folder needs a template.json' });
    return null;
  }
  const manifest = readJson(manifestFile, problems) as Manifest | null;
  if (manifest === null) return null;
  const bad = validateManifest(manifest);
  for (const p of bad) problems.push({ file: manifestFile, ...p });
  if (bad.length) return null;
  if (manifest.template !== folder) problems.push({ file: manifestFile, path: '/template', message: `must equal the folder name "${folder}"` });

  const policies: TemplatePolicy[] = [];
  for (const [i, key] of manifest.policies.entries()) {
    const file = join(dir, `${key}.json`);
    if (!existsSync(file)) {
      problems.push({ file: manifestFile, path: `/policies/${i}`, message: `no ${key}.json in the template folder` });
      continue;
    }
    const sourceText = readFileSync(file, 'utf8');
    const document = readJson(file, problems, sourceText) as Record<string, unknown> | null;
    if (!document || typeof document !== 'object' || Array.isArray(document)) continue;
    if (document.key !== key) problems.push({ file, path: '/key', message: `must be "${key}" (the file name and the template's policies entry)` });
    policies.push({ key, file: `${key}.json`, title: typeof document.title === 'string' ? document.title : key, document, sourceText });
  }

  const required = new Set(manifest.requiredParams ?? []);
  const params = new Map<string, TemplateParam>();
  for (const p of policies) {
    const declared = (p.document.params ?? {}) as Record<string, { value?: unknown; description?: unknown; unit?: unknown; schema?: unknown }>;
    for (const [name, param] of Object.entries(declared)) {
      const seen = params.get(name);
      if (seen) {
        seen.policies.push(p.key);
        continue;
      }
      params.set(name, {
        name,
        policies: [p.key],
        description: typeof param.description === 'string' ? param.description : '',
        unit: typeof param.unit === 'string' ? param.unit : null,
        default: required.has(name) ? null : (param.value ?? null),
        example: required.has(name) ? (param.value ?? null) : null,
        required: required.has(name),
        schema: param.schema && typeof param.schema === 'object' ? (param.schema as object) : null,
      });
    }
  }
  for (const [i, name] of (manifest.requiredParams ?? []).entries()) {
    if (!params.has(name)) problems.push({ file: manifestFile, path: `/requiredParams/${i}`, message: `no policy of the template declares param "${name}"` });
  }

  const samples = loadSamples(join(dir, 'samples'), problems);
  return { template: manifest.template, name: manifest.name, description: manifest.description, dir, policies, params: [...params.values()], samples };
}
