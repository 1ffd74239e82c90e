/**
 * Reads policies/ (policy-as-code): one folder per tenant with tenant.json (versions and
 * activations), <policy>.json documents and samples/*.json. Folders starting with "_" or "."
 * are not tenants (policies/_templates holds the tenant templates: template-files.ts). The
 * store seeds itself from this and the CLI decides from it directly, so both see the same
 * versions and activations.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Activation, Problem } from '../engine/index.ts';
import { schemaRegistry } from './schema-files.ts';

export const policiesDir = fileURLToPath(new URL('../../policies/', import.meta.url));

export interface FileProblem extends Problem {
  file: string;
}

export interface VersionSource {
  version: number;
  file: string;
  /** The document with the version's param overrides applied. */
  document: unknown;
  sourceText: string;
  note?: string;
}

export interface PolicySource {
  tenant: string;
  key: string;
  versions: VersionSource[];
  activations: Array<Activation & { reason?: string }>;
}

export interface SampleSource {
  name: string;
  file: string;
  sample: Record<string, unknown>;
}

export interface TenantSource {
  tenant: string;
  name: string;
  /** The default language of explanations (tenant.json "language"), if set. */
  language?: string;
  policies: PolicySource[];
  samples: SampleSource[];
}

interface Manifest {
  tenant: string;
  name: string;
  language?: string;
  policies?: Record<string, { versions: Array<string | { file: string; params?: Record<string, unknown>; note?: string }>; activations?: Array<Activation & { reason?: string }> }>;
}

export function loadPolicyDir(dir = policiesDir): { tenants: TenantSource[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const tenants: TenantSource[] = [];
  const validateManifest = schemaRegistry().compile({ $ref: 'tenant.schema.json' });
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // A folder starting with "_" (policies/_templates) or "." is never a tenant: tenant ids start with a letter.
    if (!entry.isDirectory() || /^[_.]/.test(entry.name)) continue;
    const tenantDir = join(dir, entry.name);
    const manifestFile = join(tenantDir, 'tenant.json');
    const manifest: Manifest = existsSync(manifestFile) ? readJson(manifestFile, problems) as Manifest : { tenant: entry.name, name: entry.name };
    for (const p of validateManifest(manifest)) problems.push({ file: manifestFile, ...p });
    const listed = manifest.policies ?? {};
    const files = readdirSync(tenantDir).filter((f) => f.endsWith('.json') && f !== 'tenant.json');
    const referenced = new Set(Object.values(listed).flatMap((p) => p.versions.map((v) => (typeof v === 'string' ? v : v.file))));
    const policies: PolicySource[] = [];
    for (const [key, spec] of Object.entries(listed)) {
      const versions = spec.versions.map((v, i) => loadVersion(tenantDir, typeof v === 'string' ? { file: v } : v, i + 1, problems));
      policies.push({ tenant: manifest.tenant, key, versions, activations: spec.activations ?? [{ version: 1, from: null }] });
    }
    for (const file of files.filter((f) => !referenced.has(f))) {
      policies.push({ tenant: manifest.tenant, key: file.replace(/\.json$/, ''), versions: [loadVersion(tenantDir, { file }, 1, problems)], activations: [{ version: 1, from: null }] });
    }
    tenants.push({ tenant: manifest.tenant, name: manifest.name, ...(typeof manifest.language === 'string' ? { language: manifest.language } : {}), policies, samples: loadSamples(join(tenantDir, 'samples'), problems) });
  }
  return { tenants, problems };
}

function loadVersion(tenantDir: string, spec: { file: string; params?: Record<string, unknown>; note?: string }, version: number, problems: FileProblem[]): VersionSource {
  const file = join(tenantDir, spec.file);
  const sourceText = readFileSync(file, 'utf8');
  const document = readJson(file, problems, sourceText) as { params?: Record<string, { value: unknown }> } | null;
  for (const [name, value] of Object.entries(spec.params ?? {})) {
    const param = document?.params?.[name];
    if (!param) problems.push({ file, path: `/params/${name}`, message: `version ${version} overrides param "${name}", which the document does not declare` });
    else param.value = value;
  }
  return { version, file: spec.file, document, sourceText, ...(spec.note ? { note: spec.note } : {}) };
}

/** A folder's sample orders (*.json, by name), each file's JSON problems reported, not thrown. */
export function loadSamples(dir: string, problems: FileProblem[]): SampleSource[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), file: join(dir, f), sample: readJson(join(dir, f), problems) as Record<string, unknown> }));
}

/** A JSON file's value, or null with the problem reported. */
export function readJson(file: string, problems: FileProblem[], text = readFileSync(file, 'utf8')): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    problems.push({ file, path: '', message: `not valid JSON: ${(err as Error).message}` });
    return null;
  }
}
