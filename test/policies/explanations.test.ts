/**
 * The seed policies explain themselves (docs/policy-conventions.md, rule 7): every rule and
 * otherwise of every seed policy has an outcome grade and a reason; Soom's texts are written
 * in English and Korean, Solum's in English.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Explained { id?: string; explain?: { outcome?: string; reason?: unknown; conditions?: Record<string, unknown> } }
const dir = new URL('../../policies/', import.meta.url);
const seeds = ['solum', 'soom'].flatMap((tenant) =>
  readdirSync(new URL(`${tenant}/`, dir))
    .filter((f) => f.endsWith('.json') && f !== 'tenant.json')
    .map((f) => ({ ref: `${tenant}/${f.replace(/\.json$/, '')}`, tenant, doc: JSON.parse(readFileSync(new URL(`${tenant}/${f}`, dir), 'utf8')) })),
);

describe.each(seeds)('$ref', ({ tenant, doc }) => {
  const phases: Array<[string, Explained[]]> = [['', [...doc.rules, doc.otherwise]], ...(doc.each ? [['each/', [...doc.each.rules, doc.each.otherwise]] as [string, Explained[]]] : [])];
  const languages = tenant === 'soom' ? ['en', 'ko'] : ['en'];
  it.each(phases.flatMap(([base, rules]) => rules.map((r, i) => [`${base}${r.id ?? 'otherwise'}`, r, i] as const)))('%s has an outcome grade and a reason in %#', (_name, rule) => {
    const explain = rule.explain;
    expect(explain?.outcome).toMatch(/^(granted|partial|review|denied)$/);
    expect(Object.keys(explain!.reason as object).sort()).toEqual(languages);
    for (const text of Object.values(explain!.conditions ?? {})) expect(Object.keys(text as object).sort()).toEqual(languages);
  });
});
